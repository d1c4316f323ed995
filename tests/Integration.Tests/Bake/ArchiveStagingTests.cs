using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Bake;

/// <summary>Archives appear under their real name only when complete: failed Bakes and --continue never leave or make a bad one.</summary>
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

    [IntegrationFact]
    public async Task Continue_after_a_failed_validate_resumes_with_the_intact_archive_and_scan_refuses_an_empty_one()
    {
        string[] arguments = ["Manifest", "--permutations", "gcc14-clang20", "--cache", "none"];
        Build.Environment["TRIVY_TEST_DOUBLE_SBOM"] = RepoPaths.TrivySample("trivy-sbom-centos-7.cdx.json");
        var failed = await RunOnFixtureAsync(new Dictionary<string, string?> { ["FIXTURE_BREAK"] = "gcc14-clang20" }, arguments);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("gcc14-clang20 on linux/amd64", failed.Output);
        var built = OciArchive.Sha256Digest(Archive("gcc14-clang20"));
        var digest = OciArchive.Read(Archive("gcc14-clang20")).IndexDigest;

        var resumed = await RunOnFixtureAsync(null, [.. arguments, "--continue"]);
        AssertSucceeded(resumed, "Manifest --continue");
        Assert.DoesNotContain("═══ Bake", resumed.Output); // Bake succeeded last time: --continue does not re-run it
        Assert.Equal(built, OciArchive.Sha256Digest(Archive("gcc14-clang20")));
        var manifest = ManifestStore.Read(Path.Combine(ArtifactsDirectory, "manifest.json"), Permutation.All.Select(p => p.Id));
        Assert.Equal(digest, manifest.Permutations.Single().Digest);
        Assert.Equal(built, "sha256:" + manifest.Permutations.Single().Archive!.Sha256);
        Assert.Empty(Directory.GetFiles(ImagesDirectory, "*.partial"));

        File.WriteAllBytes(Archive("gcc14-clang20"), []);
        var scan = await RunOnFixtureAsync(null, "Scan", "--skip", "Bake", "--permutations", "gcc14-clang20");
        Assert.NotEqual(0, scan.ExitCode);
        Assert.Contains($"OCI archive '{Archive("gcc14-clang20")}' is empty (0 bytes), not an image; re-run Bake.", scan.Output);
        Assert.False(File.Exists(Path.Combine(ArtifactsDirectory, "scan", "gcc14-clang20.json")));
    }
}
