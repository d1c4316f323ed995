using BuildTests.Bake;

namespace BuildTests.Publish;

/// <summary>
/// Real public data files the publish tests read, found in the repository: Trivy's outputs are the Trivy double's
/// samples (tests/TrivyDouble/samples), the rest live in Publish/Fixtures.
/// </summary>
internal static class PublishFixtures
{
    public static string PathOf(string name)
    {
        var sample = RepositoryFiles.PathOf(Path.Combine("tests", "TrivyDouble", "samples", name));
        return File.Exists(sample) ? sample : RepositoryFiles.PathOf(Path.Combine("tests", "Build.Tests", "Publish", "Fixtures", name));
    }

    public static string Read(string name) => File.ReadAllText(PathOf(name));
}
