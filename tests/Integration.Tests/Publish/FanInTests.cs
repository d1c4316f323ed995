using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Publish;

/// <summary>
/// CI's fan-in on the fixture, with the real tools: each platform baked alone (as a native runner would), MergePlatforms
/// joins them into one index per permutation, Manifest writes each permutation's own manifest in its own folder, and
/// MergeManifests + Publish publish exactly those without re-planning; a changed archive is refused before any push.
/// </summary>
public class FanInTests(ITestOutputHelper output) : PublishTest(output)
{
    string Folder(params string[] parts) => Path.Combine([WorkDirectory, .. parts]);

    async Task BuildPermutationAsync(string id)
    {
        string[] common = ["--bake-file", RepoPaths.FixtureBakeFile, "--registry", Registry.Prefix, "--cache", "none", "--permutations", id,
            "--platform-parts", Folder("platforms"), "--no-logo"];
        foreach (var arch in new[] { "amd64", "arm64" })
            Assert.True((await Build.RunAsync(["Bake", "Validate", .. common, "--platforms", $"linux/{arch}", "--artifacts", Folder("platforms", $"{id}-{arch}")])).Succeeded, $"{id} {arch} bake failed");
        Assert.True((await Build.RunAsync(["MergePlatforms", "Scan", "Sbom", "Manifest", "--skip", "Bake", "Validate", .. common, "--artifacts", Path.Combine(ArtifactsDirectory, id)])).Succeeded, $"{id} merge failed");
    }

    string[] PublishArguments => ["MergeManifests", "Publish", "--skip", "Bake", "Validate", "Scan", "Sbom", "Manifest", "--registry", Registry.Prefix,
        "--cosign-key", KeyPath, "--permutations", .. TwoPermutations, "--no-logo"];

    [IntegrationFact]
    public async Task Per_platform_builds_merge_into_one_signed_index_per_permutation_published_from_the_build_manifests()
    {
        foreach (var id in TwoPermutations) await BuildPermutationAsync(id);
        var built = TwoPermutations.ToDictionary(id => id, id => ReadManifest(Path.Combine(ArtifactsDirectory, id, "manifest.json")).Permutations.Single());

        var result = await RunBuildAsync(PublishArguments);
        Assert.True(result.Succeeded, "MergeManifests Publish failed");
        Assert.DoesNotContain("Bake plan", result.Output); // nothing re-planned
        var manifest = ReadManifest();
        Assert.Equal(TwoPermutations, manifest.Permutations.Select(p => p.Id));
        foreach (var entry in manifest.Permutations)
        {
            Assert.Equal(built[entry.Id].Digest, entry.Digest);
            Assert.Equal($"{entry.Id}/images/{entry.Id}.tar", entry.Archive!.Path);
            var index = await Registry.Client.ManifestAsync(Registry.RepositoryPath(), entry.Digest);
            Assert.NotNull(index);
            Assert.Equal(["linux/amd64", "linux/arm64"], index.Platforms.Order());
            Assert.Equal(entry.Platforms.ToDictionary(p => p.Platform, p => p.Digest), index.PlatformDigests);
            Assert.Equal(HeadSha, (string?)index.Json["annotations"]?["org.opencontainers.image.revision"]);
            Assert.True((await CosignAsync("verify", entry.DigestReference)).Succeeded, "cosign verify failed for " + entry.DigestReference);
            Assert.True((await CosignAsync("verify-attestation", "--type", "slsaprovenance1", entry.DigestReference)).Succeeded, "provenance did not verify");
        }
        Assert.Equal(ExpectedShape(manifest), await ShapeAsync(manifest));
    }

    [IntegrationFact]
    public async Task A_build_archive_changed_after_its_manifest_is_refused_before_anything_is_pushed()
    {
        foreach (var id in TwoPermutations) await BuildPermutationAsync(id);
        await using (var archive = File.OpenWrite(Path.Combine(ArtifactsDirectory, TwoPermutations[1], "images", $"{TwoPermutations[1]}.tar")))
        {
            archive.Seek(-1, SeekOrigin.End);
            archive.WriteByte(0x42);
        }

        var result = await RunBuildAsync(PublishArguments);
        Assert.False(result.Succeeded);
        Assert.Contains($"{TwoPermutations[1]} ({TwoPermutations[1]}): its archive {TwoPermutations[1]}/images/{TwoPermutations[1]}.tar hashes to", result.Output);
        Assert.Empty(await Registry.Client.TagsAsync(Registry.RepositoryPath()));
    }
}
