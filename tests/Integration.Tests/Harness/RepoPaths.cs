namespace Integration.Tests.Harness;

/// <summary>Well-known places in the repository and beside it, found from the test assembly's location.</summary>
public static class RepoPaths
{
    static readonly Lazy<string> RootLazy = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "devcontainer-pipeline.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"Could not find devcontainer-pipeline.sln above {AppContext.BaseDirectory}; run the tests from the repository.");
    });

    /// <summary>The repository root (holds devcontainer-pipeline.sln and .nuke/).</summary>
    public static string Root => RootLazy.Value;

    /// <summary>The integration fixture: tests/fixture/docker-bake.hcl and its Dockerfile.</summary>
    public static string Fixture => Path.Combine(Root, "tests", "fixture");

    public static string FixtureBakeFile => Path.Combine(Fixture, "docker-bake.hcl");

    /// <summary>Copies the fixture into <paramref name="directory"/>/fixture (for a test that edits it); returns the copy's bake file.</summary>
    public static string CopyFixture(string directory)
    {
        var target = Path.Combine(directory, "fixture");
        foreach (var file in Directory.EnumerateFiles(Fixture, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Fixture, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return Path.Combine(target, "docker-bake.hcl");
    }

    /// <summary>Real Trivy outputs for TRIVY_TEST_DOUBLE_FINDINGS / _SBOM (tests/TrivyDouble/samples).</summary>
    public static string TrivySample(string fileName) => Path.Combine(Root, "tests", "TrivyDouble", "samples", fileName);

    /// <summary>The toolchain script, beside the repository as in CI (`../shared/tools/container-toolchain`).</summary>
    public static string ToolchainScript => Path.GetFullPath(Path.Combine(Root, "..", "shared", "tools", "container-toolchain"));
}
