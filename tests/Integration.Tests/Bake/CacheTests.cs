using System.Text.RegularExpressions;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Bake;

/// <summary>The cache scopes against the real registry; every build is given the key main signs its cache with (MainCacheTrustTests).</summary>
public sealed class CacheTests(ITestOutputHelper output) : BakeScenario(output)
{
    const string Id = "gcc14-clang20";
    const string Password = "it-cache-pw-2b7e";

    Task<ProcessResult> BakeAsync(Dictionary<string, string?> environment, string key) => BakeWithKeyAsync(environment, Id, key, Password);

    [IntegrationFact]
    public async Task Pull_request_bake_leaves_the_main_cache_alone_and_writes_only_its_own_scope()
    {
        var (key, _) = await KeyPairAsync("main", Password);
        AssertSucceeded(await BakeAsync(GitHubEvent.Push(WorkDirectory), key), "default-branch Bake");
        var main = await CacheTagDigestsAsync();
        Assert.Equal([$"{Id}-main"], main.Keys);
        var signatures = await CacheSignatureTagsAsync();
        Assert.Equal([main[$"{Id}-main"].Replace(':', '-') + ".sig"], signatures); // main signed what it exported, and only that
        var images = await Registry.Client.TagsAsync(Registry.RepositoryPath());

        // The pull request changes the image (another stamp), so its cache differs from main's.
        var pullRequest = GitHubEvent.PullRequest(WorkDirectory, 7);
        pullRequest["FIXTURE_STAMP"] = ColdCache.Stamp + "-pr";
        AssertSucceeded(await BakeAsync(pullRequest, key), "pull-request Bake");
        var after = await CacheTagDigestsAsync();
        Assert.Equal([$"{Id}-main", $"{Id}-pr-7"], after.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(main[$"{Id}-main"], after[$"{Id}-main"]);
        Assert.NotEqual(after[$"{Id}-main"], after[$"{Id}-pr-7"]);
        // The pull request pushed nothing to the image repository: its image is staged in the staging registry (the harness's).
        Assert.Equal(images, await Registry.Client.TagsAsync(Registry.RepositoryPath()));
        Assert.Equal($"{Registry.Prefix}/staging/devcontainer", Pushed(Id).Repository);
        Assert.NotNull(await Registry.Client.ManifestAsync(Registry.RepositoryPath("staging/devcontainer"), Pushed(Id).Digest));

        // From a fork: reads, writes nothing at all.
        var fork = GitHubEvent.PullRequest(WorkDirectory, 8, fromFork: true);
        fork["FIXTURE_STAMP"] = ColdCache.Stamp + "-fork";
        AssertSucceeded(await BakeAsync(fork, key), "fork pull-request Bake");
        Assert.Equal(after, await CacheTagDigestsAsync());
        Assert.Equal(signatures, await CacheSignatureTagsAsync()); // a pull request signs nothing
    }

    [IntegrationFact]
    public async Task Default_branch_bake_on_a_fresh_builder_reuses_the_registry_cache()
    {
        var (key, _) = await KeyPairAsync("main", Password);
        var push = GitHubEvent.Push(WorkDirectory);
        AssertSucceeded(await BakeAsync(push, key), "first default-branch Bake");
        var firstDigest = ImageDigest(Id);
        var signedCache = (await CacheTagDigestsAsync())[$"{Id}-main"];

        using var fresh = await FreshBuilder.StartAsync(Output);
        var usage = await ProcessRunner.RunAsync("docker", ["buildx", "du"], environment: fresh.Environment);
        Assert.Matches(@"Total:\s+0B", usage.StandardOutput);

        foreach (var (name, value) in fresh.Environment) push[name] = value;
        var second = await BakeAsync(push, key);
        AssertSucceeded(second, "Bake on a fresh engine");

        // The fixture's RUN step (this test's stamp: no other build ever had its cache key) came from the registry
        // cache on both platforms: the fresh engine never ran it, and the result is the identical image.
        foreach (var platform in new[] { "linux/amd64", "linux/arm64" })
        {
            var step = Regex.Match(BuildLog(), $@"#(\d+) \[{Regex.Escape(platform)} image \d+/\d+\] RUN set -e");
            Assert.True(step.Success, $"no RUN step for {platform} in the output");
            // BuildKit prints a cache hit either as "#N CACHED" or, when it must fetch the step's layer from the
            // registry cache first, as that layer's download ("#N sha256:<layer> … done"); a step it ran has neither.
            Assert.Matches($@"#{step.Groups[1].Value} (CACHED|sha256:[0-9a-f]{{64}} .*done)", BuildLog());
        }
        // Imported by the digest whose signature verified, never by the tag (which could have moved since); BuildKit's lines are the log file's.
        Assert.Contains($"importing cache manifest from {Registry.Prefix}/devcontainer-cache@{signedCache}", BuildLog());
        Assert.DoesNotContain($"importing cache manifest from {Registry.Prefix}/devcontainer-cache:{Id}-main", BuildLog());
        Assert.Equal(firstDigest, ImageDigest(Id));
    }
}
