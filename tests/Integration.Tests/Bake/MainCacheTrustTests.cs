using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Bake;

/// <summary>
/// Issue 20, defect 8: a pull request that grants itself <c>packages: write</c> can overwrite <c>&lt;id&gt;-main</c>. The
/// forgery is done here as such a token would (the registry's API, a cache index a pull-request build exported put at the
/// main tag; then one signed with another key), and the next build refuses it before import: buildx is never given
/// the forged cache, by tag or by digest, the build goes on cold with one warning, and main exports and signs a new one.
/// </summary>
public sealed class MainCacheTrustTests(ITestOutputHelper output) : BakeScenario(output)
{
    const string Id = "gcc14-clang20";
    const string Password = "it-cache-trust-pw-51c2";

    string MainTag => $"{Registry.Repository("devcontainer-cache")}:{Id}-main";

    Task<ProcessResult> BakeAsync(Dictionary<string, string?> environment, string key) => BakeWithKeyAsync(environment, Id, key, Password);

    [IntegrationFact]
    public async Task A_forged_main_cache_is_refused_before_import_unsigned_or_signed_with_another_key()
    {
        var main = await KeyPairAsync("main", Password);
        var other = await KeyPairAsync("other", Password);
        AssertSucceeded(await BakeAsync(GitHubEvent.Push(WorkDirectory), main.Key), "default-branch Bake");
        var signed = (await CacheTagDigestsAsync())[$"{Id}-main"];
        Assert.True((await CosignAsync("verify", "--key", main.PublicKey, "--insecure-ignore-tlog=true", Digest(signed))).Succeeded, "main's cache is not signed");

        // A pull request's own cache (another stamp: other content), put at the main tag by a token that can write.
        var pullRequest = GitHubEvent.PullRequest(WorkDirectory, 7);
        pullRequest["FIXTURE_STAMP"] = ColdCache.Stamp + "-pr";
        var pr = await BakeAsync(pullRequest, main.Key);
        AssertSucceeded(pr, "pull-request Bake");
        Assert.Contains($"importing cache manifest from {Registry.Repository("devcontainer-cache")}@{signed}", BuildLog()); // verified: by digest (BuildKit's line: the log file's)
        var forged = (await Registry.Client.ManifestAsync(CacheRepositoryPath, $"{Id}-pr-7"))!;
        await Registry.Client.PutManifestAsync(CacheRepositoryPath, $"{Id}-main", forged);
        Assert.Equal(forged.Digest, (await CacheTagDigestsAsync())[$"{Id}-main"]);

        var unsigned = await BakeAsync(GitHubEvent.Push(WorkDirectory), main.Key);
        AssertRefusedBeforeImport(unsigned, forged.Digest, $"no signature on it verifies as signed with the key {main.Key}"); // as given
        // The build went on, and main's export replaced the forgery with a cache it signed.
        var healed = (await CacheTagDigestsAsync())[$"{Id}-main"];
        Assert.NotEqual(forged.Digest, healed);
        var verified = await CosignAsync("verify", "--key", main.PublicKey, "--insecure-ignore-tlog=true", Digest(healed));
        Assert.True(verified.Succeeded, "the new main cache is not signed");

        // Signed, but not by main: refused the same way, this time from a pull request (which also reads main).
        var signedByOther = await CosignAsync("sign", "--yes", "--key", other.Key, "--tlog-upload=false", Digest(forged.Digest));
        Assert.True(signedByOther.Succeeded, "signing with the other key failed");
        await Registry.Client.PutManifestAsync(CacheRepositoryPath, $"{Id}-main", forged);
        var otherKey = GitHubEvent.PullRequest(WorkDirectory, 8);
        otherKey["FIXTURE_STAMP"] = ColdCache.Stamp + "-pr8";
        AssertRefusedBeforeImport(await BakeAsync(otherKey, main.Key), forged.Digest, $"no signature on it verifies as signed with the key {main.Key}");
        Assert.Equal(forged.Digest, (await CacheTagDigestsAsync())[$"{Id}-main"]); // a pull request does not write main
    }

    [IntegrationFact]
    public async Task A_main_cache_with_nothing_to_verify_it_is_not_imported_and_a_build_that_cannot_sign_exports_none()
    {
        var main = await KeyPairAsync("main", Password);
        AssertSucceeded(await BakeAsync(GitHubEvent.Push(WorkDirectory), main.Key), "default-branch Bake");
        var signed = (await CacheTagDigestsAsync())[$"{Id}-main"];

        // A laptop build (no GitHub Actions, no key): nothing to verify with, so not imported; it writes nothing either.
        var local = await RunOnFixtureAsync(null, "Bake", "--permutations", Id);
        AssertSucceeded(local, "local Bake");
        Assert.Contains($"Not importing the main cache {MainTag} ({signed}): nothing to verify its signature with", local.Output);
        Assert.DoesNotContain("importing cache manifest from", BuildLog());

        // A default-branch build that cannot sign does not displace the signed cache with one no build would import.
        var environment = GitHubEvent.Push(WorkDirectory);
        environment["FIXTURE_STAMP"] = ColdCache.Stamp + "-unsigned";
        var push = await RunOnFixtureAsync(environment, "Bake", "--permutations", Id, "--cosign-public-key", main.PublicKey);
        AssertSucceeded(push, "default-branch Bake without a key");
        Assert.Contains($"Not exporting the main cache {MainTag}: this run cannot sign it", push.Output);
        Assert.Contains($"importing cache manifest from {Registry.Repository("devcontainer-cache")}@{signed}", BuildLog()); // it can verify
        Assert.Equal(signed, (await CacheTagDigestsAsync())[$"{Id}-main"]);
    }

    [IntegrationFact]
    public async Task Signing_input_Bake_would_sign_or_verify_the_main_cache_with_is_checked_before_anything_is_built()
    {
        var main = await KeyPairAsync("main", Password);
        var other = await KeyPairAsync("other", Password);
        async Task<string> RefusedAsync(string password, params string[] flags)
        {
            var environment = GitHubEvent.Push(WorkDirectory);
            environment["COSIGN_PASSWORD"] = password;
            var result = await RunOnFixtureAsync(environment, ["Bake", "--permutations", Id, .. flags]);
            Assert.Equal(2, result.ExitCode);
            Assert.False(File.Exists(Archive(Id)), "Bake ran");
            return Assert.Single(result.Output.Split('\n'), l => l.StartsWith("ERROR: ", StringComparison.Ordinal));
        }
        var missing = Path.Combine(WorkDirectory, "nokey.key");
        Assert.Contains($"--cosign-key {missing} does not exist", await RefusedAsync(Password, "--cosign-key", missing));
        Assert.Contains($"--cosign-key {main.Key} does not open with the password given", await RefusedAsync("wrong-password", "--cosign-key", main.Key));
        Assert.Contains($"--cosign-public-key {other.PublicKey} is not the public key of --cosign-key {main.Key}",
            await RefusedAsync(Password, "--cosign-key", main.Key, "--cosign-public-key", other.PublicKey));
        Assert.Contains($"--cosign-public-key {main.Key} is not a PEM public key", await RefusedAsync(Password, "--cosign-public-key", main.Key));
        Assert.Empty(await Registry.Client.RepositoriesAsync(Registry.Namespace)); // no cache exported, nothing pushed
    }

    /// <summary>One warning names the ref, the forged digest and why; buildx got neither the tag nor the digest, in the override or its log.</summary>
    void AssertRefusedBeforeImport(ProcessResult result, string forgedDigest, string reason)
    {
        AssertSucceeded(result, "Bake after the forgery");
        var warning = $"Not importing the main cache {MainTag} ({forgedDigest}): {reason}; building without it";
        Assert.Single(result.Output.Split('\n'), line => line.Contains(warning));
        var cacheFrom = JsonNode.Parse(File.ReadAllText(Path.Combine(ArtifactsDirectory, "bake.override.json")))!["target"]![Id]!["cache-from"]!
            .AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.DoesNotContain(cacheFrom, entry => entry.Contains(forgedDigest) || entry.Contains($":{Id}-main"));
        Assert.DoesNotContain(forgedDigest, File.ReadAllText(Path.Combine(ArtifactsDirectory, "bake-plan.txt")));
        // What buildx logs of the imports: never the forged cache, by tag or by digest (only the check, cosign, named it).
        var log = BuildLog(); // this run's: BuildKit's lines are the log file's (artifacts/logs/build.log)
        Assert.Contains("docker: ", log);
        Assert.DoesNotContain($"importing cache manifest from {MainTag}", log);
        Assert.DoesNotContain($"importing cache manifest from {Digest(forgedDigest)}", log);
        Assert.DoesNotContain(log.Split('\n'),
            line => line.Contains("docker: ") && line.Contains(forgedDigest) && !line.Contains("writing cache manifest"));
        Assert.Contains(warning, File.ReadAllText(Path.Combine(ArtifactsDirectory, "summary.md"))); // and in the job summary
    }

    string Digest(string digest) => $"{Registry.Repository("devcontainer-cache")}@{digest}";

    Task<ProcessResult> CosignAsync(params string[] arguments) =>
        RunToolAsync("cosign", [.. arguments[..^1], "--allow-http-registry", "--allow-insecure-registry", arguments[^1]], WorkDirectory,
            new Dictionary<string, string?> { ["COSIGN_PASSWORD"] = Password });
}
