using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Bake;

/// <summary>
/// Archives appear under their real name only when complete, and a pushed image's record only once it is in the
/// registry: a failed Bake never leaves or makes a bad or stale one (--continue: ContinueTests).
/// </summary>
public sealed class ArchiveStagingTests(ITestOutputHelper output) : BakeScenario(output)
{
    static readonly string[] Two = ["gcc14-clang20", "gcc15-clang20"];

    string ImagesDirectory => Path.Combine(ArtifactsDirectory, "images");

    [IntegrationFact]
    public async Task A_failed_bake_leaves_no_archive_neither_empty_partial_nor_stale()
    {
        AssertSucceeded(await RunOnFixtureAsync(null, ["Bake", "--permutations", .. Two, "--cache", "none", "--image-output", "archive"]), "the first Bake");
        Assert.All(Two, id => Assert.True(new FileInfo(Archive(id)).Length > 0));

        var failed = await Build.RunAsync(["Bake", "--permutations", .. Two, "--cache", "none", "--bake-file", FailingBakeFile(), "--image-output", "archive",
            "--registry", Registry.Prefix, "--artifacts", ArtifactsDirectory, "--no-logo"], null, ColdCache.Environment, null);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("docker buildx bake failed", failed.Output);
        // Neither the old archives (not this run's) nor anything this run began survive.
        Assert.Empty(Directory.GetFiles(ImagesDirectory));
    }

    [IntegrationFact]
    public async Task A_failed_bake_leaves_no_record_of_an_image_in_the_registry()
    {
        AssertSucceeded(await RunOnFixtureAsync(null, ["Bake", "--permutations", .. Two, "--cache", "none"]), "the first Bake");
        Assert.All(Two, id => Assert.StartsWith("sha256:", Pushed(id).Digest));
        Assert.Empty(Directory.GetFiles(ImagesDirectory, "*.tar*"));

        var failed = await Build.RunAsync(["Bake", "--permutations", .. Two, "--cache", "none", "--bake-file", FailingBakeFile(),
            "--registry", Registry.Prefix, "--artifacts", ArtifactsDirectory, "--no-logo"], null, ColdCache.Environment, null);
        Assert.NotEqual(0, failed.ExitCode);
        // The earlier run's records and index copies are not this run's: none is left for Scan, Sbom or Manifest.
        Assert.Empty(Directory.GetFiles(Path.Combine(ArtifactsDirectory, "pushed")));
        Assert.Empty(Directory.GetFiles(ImagesDirectory));
        var scan = await RunOnFixtureAsync(null, "Scan", "--skip", "Bake", "--permutations", "gcc14-clang20");
        Assert.Equal(2, scan.ExitCode);
        Assert.Contains("the record of gcc14-clang20's image in its registry", scan.Output);
    }

    /// <summary>The same fixture, except that building gcc15-clang20's image fails.</summary>
    string FailingBakeFile()
    {
        var bakeFile = RepoPaths.CopyFixture(Path.Combine(WorkDirectory, "failing-" + Guid.NewGuid().ToString("N")[..6]));
        var dockerfile = Path.Combine(Path.GetDirectoryName(bakeFile)!, "Dockerfile");
        File.WriteAllText(dockerfile, File.ReadAllText(dockerfile).Replace("FROM image AS validate",
            "RUN test \"$PERMUTATION\" != gcc15-clang20 || { echo 'fixture: this image fails to build'; exit 1; }\n\nFROM image AS validate"));
        return bakeFile;
    }
}
