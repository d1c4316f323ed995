using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Bake;

/// <summary>Archives appear under their real name only when complete: a failed Bake never leaves or makes a bad one (--continue: ContinueTests).</summary>
public sealed class ArchiveStagingTests(ITestOutputHelper output) : BakeScenario(output)
{
    static readonly string[] Two = ["gcc14-clang20", "gcc15-clang20"];

    string ImagesDirectory => Path.Combine(ArtifactsDirectory, "images");

    [IntegrationFact]
    public async Task A_failed_bake_leaves_no_archive_neither_empty_partial_nor_stale()
    {
        AssertSucceeded(await RunOnFixtureAsync(null, ["Bake", "--permutations", .. Two, "--cache", "none"]), "the first Bake");
        Assert.All(Two, id => Assert.True(new FileInfo(Archive(id)).Length > 0));

        // The same fixture, except that building gcc15-clang20's image fails.
        var bakeFile = RepoPaths.CopyFixture(WorkDirectory);
        var dockerfile = Path.Combine(Path.GetDirectoryName(bakeFile)!, "Dockerfile");
        File.WriteAllText(dockerfile, File.ReadAllText(dockerfile).Replace("FROM image AS validate",
            "RUN test \"$PERMUTATION\" != gcc15-clang20 || { echo 'fixture: this image fails to build'; exit 1; }\n\nFROM image AS validate"));
        var failed = await Build.RunAsync(["Bake", "--permutations", .. Two, "--cache", "none", "--bake-file", bakeFile,
            "--registry", Registry.Prefix, "--artifacts", ArtifactsDirectory, "--no-logo"], null, ColdCache.Environment, null);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("docker buildx bake failed", failed.Output);
        // Neither the old archives (not this run's) nor anything this run began survive.
        Assert.Empty(Directory.GetFiles(ImagesDirectory));
    }
}
