using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Publish;

/// <summary>
/// CI's fan-in on the fixture, with the real tools: each platform baked alone (as a native runner would) and pushed
/// untagged, MergePlatforms puts one index per permutation into the registry (or, with archives, joins them into one),
/// Manifest writes each permutation's own manifest in its own folder, and MergeManifests + Publish publish exactly those
/// without re-planning; a changed archive is refused before any push.
/// </summary>
public class FanInTests(ITestOutputHelper output) : PublishTest(output)
{
    string Folder(params string[] parts) => Path.Combine([WorkDirectory, .. parts]);

    /// <param name="output">Bake's --image-output in the platform jobs and MergePlatforms (registry: CI's push jobs; archive: on request).</param>
    async Task BuildPermutationAsync(string id, string output = "archive", string parts = "platforms", string? artifacts = null)
    {
        await BakePlatformsAsync(id, output, parts);
        await MergePlatformsAsync(id, output, parts, artifacts);
    }

    /// <summary>The provenance names the override each platform's build job ran (not one of the merge job's).</summary>
    void AssertProvenanceRecordsEachPlatformsOverride(string id)
    {
        var provenance = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(ArtifactsDirectory, id, "provenance", $"{id}.slsa.json")))!;
        var overrides = provenance["buildDefinition"]!["internalParameters"]!["bakeOverrideDigests"]!.AsObject();
        foreach (var arch in new[] { "amd64", "arm64" })
        {
            var ran = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Folder("platforms", $"{id}-{arch}", "bake.override.json"))));
            Assert.Equal(ran, (string?)overrides[$"linux/{arch}"]);
        }
        Assert.NotEqual((string?)overrides["linux/amd64"], (string?)overrides["linux/arm64"]);
    }

    string[] Common(string id, string output) => ["--bake-file", RepoPaths.FixtureBakeFile, "--registry", Registry.Prefix, "--cache", "none",
        "--permutations", id, "--image-output", output, "--no-logo"];

    /// <summary>Each platform's job as CI runs it: one platform of the permutation's build (--per-platform-job).</summary>
    async Task<IReadOnlyList<ProcessResult>> BakePlatformsAsync(string id, string output = "archive", string parts = "platforms", params string[] extra)
    {
        var results = new List<ProcessResult>();
        foreach (var arch in new[] { "amd64", "arm64" })
        {
            var result = await Build.RunAsync(["Bake", "Validate", .. Common(id, output), "--platforms", $"linux/{arch}", "--per-platform-job", .. extra, "--artifacts", Folder(parts, $"{id}-{arch}")]);
            Assert.True(result.Succeeded, $"{id} {arch} bake failed");
            results.Add(result);
        }
        return results;
    }

    async Task MergePlatformsAsync(string id, string output = "archive", string parts = "platforms", string? artifacts = null)
    {
        var merge = await Build.RunAsync(["MergePlatforms", "Scan", "Sbom", "Manifest", "--skip", "Bake", "Validate", .. Common(id, output),
            "--platform-parts", Folder(parts), "--artifacts", artifacts ?? Path.Combine(ArtifactsDirectory, id)]);
        Assert.True(merge.Succeeded, $"{id} merge failed");
        Assert.DoesNotContain("Bake plan", merge.Output); // the merge job writes its manifest from the build jobs' records, never a plan of its own
    }

    string[] PublishArguments => PublishArgumentsFor(TwoPermutations);

    string[] PublishArgumentsFor(params string[] ids) => ["MergeManifests", "Publish", "--skip", "Bake", "Validate", "Scan", "Sbom", "Manifest", "--registry", Registry.Prefix,
        "--cosign-key", KeyPath, "--permutations", .. ids, "--no-logo"];

    /// <summary>The log line of an image bake (not `bake --print`, which the plan always runs).</summary>
    static readonly System.Text.RegularExpressions.Regex BuildLine = new(@"> docker buildx bake .*--metadata-file", System.Text.RegularExpressions.RegexOptions.Multiline);

    [IntegrationFact]
    public async Task A_second_commit_with_unchanged_inputs_reuses_the_published_image_in_every_platform_job_and_publish_only_tags_it()
    {
        var id = TwoPermutations[0];
        await BuildPermutationAsync(id, "registry");
        Assert.True((await RunBuildAsync(PublishArgumentsFor(id))).Succeeded, "first MergeManifests Publish failed");
        var first = ReadManifest().Permutations.Single();
        Assert.Matches(@"^sha256:[0-9a-f]{64}$", first.InputDigest);
        var published = (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), id))!;
        Assert.Equal(first.Digest, published.Digest);
        // The platform jobs agreed on the permutation's input digest, so the merged, published index records it.
        Assert.Equal(first.InputDigest, (string?)published.Json["annotations"]?[InputDigest.LabelKey]);

        // A new commit, same inputs: each platform job reuses the published image (no build, no push) and keeps its
        // index and each platform's verified SBOM attestation; the merge job passes that on instead of merging.
        var shaB = new string('b', 40);
        Build.Environment["GITHUB_SHA"] = shaB;
        var jobs = await BakePlatformsAsync(id, "registry", "platforms-b", "--cosign-key", KeyPath);
        foreach (var (arch, job) in new[] { "amd64", "arm64" }.Zip(jobs))
        {
            var folder = Folder("platforms-b", $"{id}-{arch}");
            Assert.DoesNotMatch(BuildLine, job.Output);
            Assert.Contains($"{id}: reuse {first.Digest} (inputs unchanged; {Repository}:{id})", job.Output);
            var record = PushedImageStore.Read(Path.Combine(folder, "pushed", $"{id}.json"));
            Assert.True(record.KeptEvidence, $"{arch} did not keep the published image's verified evidence");
            Assert.Equal(($"{Repository}@{first.Digest}", (string?)null), (record.Reference, record.TemporaryTag)); // the published image itself, nothing pushed
            Assert.DoesNotContain("Pushed ", job.Output);
            Assert.Empty(Directory.GetFiles(folder, "*.tar*", SearchOption.AllDirectories));
            Assert.Equal(first.Digest, ContentDigest.Sha256(File.ReadAllBytes(Path.Combine(folder, "images", $"{id}.index.json"))));
        }
        var second = Path.Combine(WorkDirectory, "second");
        await MergePlatformsAsync(id, "registry", "platforms-b", Path.Combine(second, id));
        var merged = ReadManifest(Path.Combine(second, id, "manifest.json")).Permutations.Single();
        Assert.Equal(first.Digest, merged.Digest);
        Assert.Equal(first.InputDigest, merged.InputDigest);
        Assert.Null(merged.Archive);
        // Its provenance is the one attested when it was built (commit HeadSha), passed on, not one naming commit b.
        var provenance = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(second, id, "provenance", $"{id}.slsa.json")))!;
        Assert.Equal(HeadSha, (string?)provenance["buildDefinition"]!["resolvedDependencies"]![0]!["digest"]!["gitCommit"]);
        Assert.Equal(first.Digest, BakeRecordStore.Read(Path.Combine(second, id, "bake-plan.json")).For(id, "bake-plan.json").ReusedDigest);

        var publish = await RunBuildAsync([.. PublishArgumentsFor(id), "--artifacts", second]);
        Assert.True(publish.Succeeded, "second MergeManifests Publish failed");
        Assert.All(File.ReadAllText(Path.Combine(second, "publish-plan.txt")).Split('\n', StringSplitOptions.RemoveEmptyEntries), step => Assert.Matches(@"^(Verify|Tag)\s", step));
        Assert.Equal(first.Digest, ReadManifest(Path.Combine(second, "manifest.json")).Permutations.Single().Digest);
        var newTag = $"{Repository}:{shaB}-{id}";
        Assert.Equal(first.Digest, (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), $"{shaB}-{id}"))!.Digest);
        Assert.True((await CosignAsync("verify", newTag)).Succeeded, "cosign verify failed for " + newTag);
        await AssertPlatformSbomsAttestedAsync(ReadManifest(Path.Combine(second, "manifest.json")).Permutations.Single(), second);

        // --force still builds the platform.
        var forced = await Build.RunAsync(["Bake", .. Common(id, "registry"), "--platforms", "linux/amd64", "--per-platform-job", "--force", "--artifacts", Folder("forced", $"{id}-amd64")]);
        Assert.True(forced.Succeeded, "forced Bake failed");
        Assert.Matches(BuildLine, forced.Output);
    }

    [IntegrationFact]
    public async Task Per_platform_builds_merge_into_one_signed_index_per_permutation_published_from_the_build_manifests()
    {
        foreach (var id in TwoPermutations) await BuildPermutationAsync(id);
        var built = TwoPermutations.ToDictionary(id => id, id => ReadManifest(Path.Combine(ArtifactsDirectory, id, "manifest.json")).Permutations.Single());
        foreach (var id in TwoPermutations) AssertProvenanceRecordsEachPlatformsOverride(id);

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
    public async Task Platform_images_pushed_untagged_are_small_artifacts_merged_in_the_registry_into_the_archive_modes_index_and_published_without_a_second_push()
    {
        foreach (var id in TwoPermutations)
        {
            await BuildPermutationAsync(id, "archive", "archive-platforms", Folder("archive-merge", id));
            await BakePlatformsAsync(id, "registry");
        }
        // The build jobs pushed their images untagged (here, the docker driver: under temporary tags only), and their
        // artifact folders hold records, not archives.
        Assert.Equal(TwoPermutations.SelectMany(id => new[] { $"unpublished-{id}-amd64", $"unpublished-{id}-arm64" }).Order(StringComparer.Ordinal),
            await Registry.Client.TagsAsync(Registry.RepositoryPath()));
        foreach (var id in TwoPermutations)
            foreach (var arch in new[] { "amd64", "arm64" })
            {
                var job = Folder("platforms", $"{id}-{arch}");
                Assert.True(File.Exists(Path.Combine(job, "pushed", $"{id}.json")), $"{id} {arch} wrote no pushed-image record");
                Assert.Empty(Directory.GetFiles(job, "*.tar*", SearchOption.AllDirectories));
            }
        foreach (var id in TwoPermutations) await MergePlatformsAsync(id, "registry");

        var built = TwoPermutations.ToDictionary(id => id, id => ReadManifest(Path.Combine(ArtifactsDirectory, id, "manifest.json")).Permutations.Single());
        foreach (var id in TwoPermutations)
        {
            var fromArchives = ReadManifest(Folder("archive-merge", id, "manifest.json")).Permutations.Single();
            Assert.Equal(fromArchives.Digest, built[id].Digest); // the same index, byte for byte
            Assert.Equal(fromArchives.Platforms.Select(p => p.Digest), built[id].Platforms.Select(p => p.Digest));
            // The merge put it in the registry by digest, untagged; the merge job kept no archive either.
            Assert.Null(built[id].Archive);
            Assert.NotNull(await Registry.Client.ManifestAsync(Registry.RepositoryPath(), built[id].Digest));
            Assert.Empty(Directory.GetFiles(Path.Combine(ArtifactsDirectory, id), "*.tar*", SearchOption.AllDirectories));
        }
        Assert.Equal(4, (await Registry.Client.TagsAsync(Registry.RepositoryPath())).Count); // still only the temporary tags

        var publish = await RunBuildAsync(PublishArguments);
        Assert.True(publish.Succeeded, "MergeManifests Publish failed");
        Assert.DoesNotContain("Push ", File.ReadAllText(Path.Combine(ArtifactsDirectory, "publish-plan.txt"))); // no bytes pushed again
        foreach (var entry in ReadManifest().Permutations)
        {
            Assert.Equal(built[entry.Id].Digest, entry.Digest);
            var index = await Registry.Client.ManifestAsync(Registry.RepositoryPath(), entry.Digest);
            Assert.NotNull(index);
            Assert.Equal(entry.Platforms.ToDictionary(p => p.Platform, p => p.Digest), index.PlatformDigests);
            Assert.True((await CosignAsync("verify", entry.DigestReference)).Succeeded, "cosign verify failed for " + entry.DigestReference);
            await AssertPlatformSbomsAttestedAsync(entry);
        }
        Assert.Equal(ExpectedShape(ReadManifest()), await ShapeAsync(ReadManifest()));
    }

    [IntegrationFact]
    public async Task A_missing_pushed_image_record_is_one_line_naming_the_build_job_and_the_fix()
    {
        var id = TwoPermutations[0];
        string[] common = ["--bake-file", RepoPaths.FixtureBakeFile, "--registry", Registry.Prefix, "--cache", "none", "--permutations", id, "--no-logo"];
        Assert.True((await Build.RunAsync(["Bake", .. common, "--platforms", "linux/amd64", "--artifacts", Folder("platforms", $"{id}-amd64")])).Succeeded);
        Assert.True((await Build.RunAsync(["Bake", .. common, "--platforms", "linux/arm64", "--image-output", "archive", "--artifacts", Folder("platforms", $"{id}-arm64")])).Succeeded); // an archive, no record

        var result = await Build.RunAsync(["MergePlatforms", "--registry", Registry.Prefix, "--permutations", id, "--platform-parts", Folder("platforms"),
            "--no-logo", "--artifacts", Path.Combine(ArtifactsDirectory, id)]);
        Assert.False(result.Succeeded);
        Assert.Contains($"{id} has no linux/arm64 pushed-image record at {Folder("platforms", $"{id}-arm64", "pushed", $"{id}.json")}; its per-platform build job must run Bake (which pushes the image and records it)", result.Output);
        Assert.False(File.Exists(Path.Combine(ArtifactsDirectory, id, "pushed", $"{id}.json")));
        Assert.False(File.Exists(Path.Combine(ArtifactsDirectory, id, "images", $"{id}.tar")));
    }

    [IntegrationFact]
    public async Task A_platform_never_built_into_the_platform_parts_is_one_line_naming_the_folder_and_the_command()
    {
        var id = TwoPermutations[0];
        var result = await Build.RunAsync(["MergePlatforms", "--registry", Registry.Prefix,
            "--permutations", id, "--platform-parts", Folder("nope"), "--artifacts", Path.Combine(ArtifactsDirectory, id), "--no-logo"]);
        Assert.False(result.Succeeded);
        Assert.Contains($"{id} has no linux/amd64 build record at {Folder("nope", $"{id}-amd64", "bake-plan.json")} (--platform-parts {Folder("nope")}): build that platform there first " +
            $"(`Bake --permutations {id} --platforms linux/amd64 --artifacts {Folder("nope")}/{id}-amd64`", result.Output);
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
