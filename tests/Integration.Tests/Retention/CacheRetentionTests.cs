using System.Text.Json;
using Integration.Tests.Bake;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Retention;

/// <summary>
/// Issue 13, case 4: Retention on the build's own cache repository, as buildx writes it (`type=registry,mode=max`:
/// an index whose entries are layer blobs and a cache config, not manifests). One platform of the permutation is built,
/// as CI's native per-platform jobs do, so the refs are the per-platform ones (<c>&lt;id&gt;-main-amd64</c>).
/// </summary>
public class CacheRetentionTests(ITestOutputHelper output) : IntegrationTest(output)
{
    const string Id = "gcc14-clang20";

    [IntegrationFact]
    public async Task Retention_reads_buildkit_cache_indexes_as_blob_lists_without_registry_errors_and_keeps_the_caches()
    {
        Build.Environment["FIXTURE_STAMP"] = Registry.Namespace;
        // main signs the cache it exports (CachePolicy.Trust.cs), so its signature is in the cache repository too.
        Build.Environment["COSIGN_PASSWORD"] = "it-cache-retention-pw";
        var keys = await RunToolAsync("cosign", ["generate-key-pair"], WorkDirectory, new Dictionary<string, string?> { ["COSIGN_PASSWORD"] = "it-cache-retention-pw" });
        Assert.True(keys.Succeeded, "cosign generate-key-pair failed");
        string[] bake = ["Bake", "--bake-file", RepoPaths.FixtureBakeFile, "--registry", Registry.Prefix, "--cache", "registry",
            "--permutations", Id, "--platforms", "linux/amd64", "--cosign-key", Path.Combine(WorkDirectory, "cosign.key"), "--no-logo"];
        Assert.True((await Build.RunAsync([.. bake, "--artifacts", Path.Combine(WorkDirectory, "main")], null, GitHubEvent.Push(WorkDirectory), null)).Succeeded, "main Bake failed");
        Assert.True((await Build.RunAsync([.. bake, "--artifacts", Path.Combine(WorkDirectory, "pr")], null, GitHubEvent.PullRequest(WorkDirectory, 7), null)).Succeeded, "pull-request Bake failed");
        var cache = Registry.RepositoryPath("devcontainer-cache");
        var main = (await Registry.Client.ManifestAsync(cache, $"{Id}-main-amd64"))!;
        var signature = main.Digest.Replace(':', '-') + ".sig";
        Assert.Equal([$"{Id}-main-amd64", $"{Id}-pr-7-amd64", signature], (await RetentionTools.TagsAsync(cache)).Order(StringComparer.Ordinal));
        var blobs = main.Json["manifests"]!.AsArray().Select(m => (MediaType: (string)m!["mediaType"]!, Digest: (string)m["digest"]!)).ToList();
        Assert.Contains(blobs, b => b.MediaType == "application/vnd.buildkit.cacheconfig.v0"); // really a cache index
        Assert.All(blobs, b => Assert.DoesNotContain("manifest", b.MediaType));

        string[] retention = ["Retention", "--retention-repository", Registry.Repository("devcontainer-cache"), "--no-logo"];
        foreach (var dryRun in new[] { "true", "false" })
        {
            var run = await RunBuildAsync([.. retention, "--dry-run", dryRun]);
            Assert.True(run.Succeeded, $"Retention (dry run {dryRun}) failed");
            Assert.DoesNotContain("retrying", run.Output);
            Assert.DoesNotContain("registry's health", run.Output);
            var plan = ReadPlan();
            Assert.Empty(plan.Deletions);
            Assert.Equal([$"{Id}-main-amd64", $"{Id}-pr-7-amd64", signature], plan.KeptTags.Order(StringComparer.Ordinal)); // kept with its cache
        }
        // Both caches, with every blob they list, are still there, and so is the main cache's signature.
        Assert.Equal(main.Digest, (await Registry.Client.ManifestAsync(cache, $"{Id}-main-amd64"))!.Digest);
        Assert.Contains(signature, await RetentionTools.TagsAsync(cache));
        foreach (var blob in blobs) Assert.True(await Registry.Client.BlobExistsAsync(cache, blob.Digest), $"{blob.Digest} is gone");
    }

    (IReadOnlyList<string> Deletions, IReadOnlyList<string> KeptTags) ReadPlan()
    {
        var file = Assert.Single(Directory.GetFiles(Path.Combine(ArtifactsDirectory, "retention"), "plan.json", SearchOption.AllDirectories));
        using var plan = JsonDocument.Parse(File.ReadAllText(file));
        return (plan.RootElement.GetProperty("deletions").EnumerateArray().Select(e => e.GetProperty("digest").GetString()!).ToList(),
            plan.RootElement.GetProperty("kept").EnumerateArray().SelectMany(e => e.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)).Order(StringComparer.Ordinal).ToList());
    }
}
