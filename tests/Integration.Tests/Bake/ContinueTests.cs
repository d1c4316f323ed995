using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Bake;

/// <summary>
/// --continue resumes from .nuke/temp/build-attempt.log, one file per checkout that every run rewrites; this class runs
/// alone (its own non-parallel collection) so no other test's run replaces the attempt it resumes.
/// </summary>
[Collection(BuildAttemptCollection.Name)]
public sealed class ContinueTests(ITestOutputHelper output) : BakeScenario(output)
{
    string ImagesDirectory => Path.Combine(ArtifactsDirectory, "images");

    [IntegrationFact]
    public async Task Continue_after_a_failed_validate_resumes_with_the_intact_archive_and_scan_refuses_an_empty_one()
    {
        string[] arguments = ["Manifest", "--permutations", "gcc14-clang20", "--cache", "none", "--image-output", "archive"];
        Build.Environment["TRIVY_TEST_DOUBLE_SBOM"] = RepoPaths.TrivySample("trivy-sbom-centos-7.cdx.json");
        var failed = await RunOnFixtureAsync(new Dictionary<string, string?> { ["FIXTURE_BREAK"] = "gcc14-clang20" }, arguments);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("gcc14-clang20 on linux/amd64", failed.Output);
        var built = ContentDigest.Sha256(Archive("gcc14-clang20"));
        var digest = OciArchive.Read(Archive("gcc14-clang20")).IndexDigest;

        var resumed = await RunOnFixtureAsync(null, [.. arguments, "--continue"]);
        AssertSucceeded(resumed, "Manifest --continue");
        Assert.DoesNotContain("═══ Bake", resumed.Output); // Bake succeeded last time: --continue does not re-run it
        Assert.Equal(built, ContentDigest.Sha256(Archive("gcc14-clang20")));
        var manifest = ManifestStore.Read(Path.Combine(ArtifactsDirectory, "manifest.json"), Permutation.All.Select(p => p.Id));
        Assert.Equal(digest, manifest.Permutations.Single().Digest);
        Assert.Equal(built, "sha256:" + manifest.Permutations.Single().Archive!.Sha256);
        Assert.Empty(Directory.GetFiles(ImagesDirectory, "*.partial"));

        File.WriteAllBytes(Archive("gcc14-clang20"), []);
        var scan = await RunOnFixtureAsync(null, "Scan", "--skip", "Bake", "--permutations", "gcc14-clang20", "--image-output", "archive");
        Assert.NotEqual(0, scan.ExitCode);
        Assert.Contains($"OCI archive '{Archive("gcc14-clang20")}' is empty (0 bytes), not an image; re-run Bake.", scan.Output);
        Assert.False(File.Exists(Path.Combine(ArtifactsDirectory, "scan", "gcc14-clang20.json")));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BuildAttemptCollection
{
    public const string Name = "build-attempt.log readers";
}
