using System.Globalization;
using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Publish;

/// <summary>
/// Freshness on the fixture, real docker, buildx, cosign, skopeo and registry, Trivy's double for the re-scan: Refresh
/// leaves a clean image younger than the maximum age alone; an image whose re-scan gains a fixable HIGH, and one older
/// than the maximum age, are decided for a rebuild, which a Publish with --refresh-packages (what the dispatched
/// build-devcontainer run does) builds with a new packages snapshot, signs and tags.
/// </summary>
public sealed class RefreshTests(ITestOutputHelper output) : PublishTest(output)
{
    static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    string[] RefreshArguments(string artifacts) =>
        ["Refresh", "--registry", Registry.Prefix, "--permutations", .. TwoPermutations, "--no-logo", "--artifacts", artifacts];

    static JsonNode Decisions(string artifacts) => JsonNode.Parse(File.ReadAllText(Path.Combine(artifacts, "refresh", "decisions.json")))!;

    static JsonNode Decision(JsonNode decisions, string id) => decisions["permutations"]!.AsArray().Single(p => (string?)p!["id"] == id)!;

    [IntegrationFact]
    public async Task A_young_clean_image_is_kept_a_fixable_high_and_an_image_past_the_maximum_age_are_rebuilt_signed_and_tagged()
    {
        var (fixable, old) = (TwoPermutations[0], TwoPermutations[1]);
        var published = await RunBuildAsync(PipelineArguments("Publish"));
        Assert.True(published.Succeeded, "first Publish failed");
        var first = ReadManifest();
        var before = await TagDigestsAsync();

        // Today's data finds nothing, the images are hours old: both kept, nothing written to the registry.
        var keepRun = Path.Combine(WorkDirectory, "refresh-keep");
        var keep = await RunBuildAsync(RefreshArguments(keepRun));
        Assert.True(keep.Succeeded, "Refresh failed");
        Assert.Empty(Decisions(keepRun)["rebuild"]!.AsArray());
        foreach (var id in TwoPermutations)
        {
            Assert.Equal("keep", (string?)Decision(Decisions(keepRun), id)["decision"]);
            Assert.Equal(Today, (string?)Decision(Decisions(keepRun), id)["packagesSnapshot"]);
            Assert.Contains($"Refresh {id}: keep (no fixable finding at the gate's severities; 0.", keep.Output);
            foreach (var arch in new[] { "amd64", "arm64" })
            {
                var sarif = JsonNode.Parse(File.ReadAllText(Path.Combine(keepRun, "refresh", "sarif", $"{id}.linux-{arch}.sarif")))!;
                Assert.Equal($"devcontainer-image/{id}/linux-{arch}/", (string?)sarif["runs"]![0]!["automationDetails"]!["id"]);
                Assert.Equal("Trivy", (string?)sarif["runs"]![0]!["tool"]!["driver"]!["name"]);
            }
        }
        Assert.Equal(before, await TagDigestsAsync());
        Assert.Contains("Refresh: nothing to rebuild", keep.Output);

        // The first permutation's re-scan gains a fixable HIGH (and an unfixable LOW); the second's image is 10 days old
        // (its index says so, as an image published then would: its packages snapshot is of that day).
        var aged = await Registry.Client.ManifestAsync(Registry.RepositoryPath(), old);
        var index = aged!.Json;
        index["annotations"]![Pipeline.Rules.PackageSnapshot.LabelKey] = DateTime.UtcNow.AddDays(-10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var agedBytes = System.Text.Encoding.UTF8.GetBytes(index.ToJsonString());
        await Registry.Client.PutManifestAsync(Registry.RepositoryPath(), old, aged with { Bytes = agedBytes });
        var agedDigest = RegistryManifest.Sha256(agedBytes);
        Build.Environment["TRIVY_TEST_DOUBLE_FINDINGS"] = RepoPaths.TrivySample("trivy-report-ubi-7-comprehensive.json");
        Build.Environment["TRIVY_TEST_DOUBLE_FINDINGS_MATCH"] = fixable;
        var rebuildRun = Path.Combine(WorkDirectory, "refresh-rebuild");
        var decide = await RunBuildAsync(RefreshArguments(rebuildRun));
        Build.Environment.Remove("TRIVY_TEST_DOUBLE_FINDINGS");
        Build.Environment.Remove("TRIVY_TEST_DOUBLE_FINDINGS_MATCH");
        Assert.True(decide.Succeeded, "Refresh failed");
        var decisions = Decisions(rebuildRun);
        Assert.Equal([fixable, old], decisions["rebuild"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("CVE-2022-40897", (string?)Decision(decisions, fixable)["fixable"]![0]!["vulnerability"]);
        Assert.Equal("CVE-2019-18276", (string?)Decision(decisions, fixable)["unfixable"]![0]!["vulnerability"]);
        Assert.Contains($"Refresh {fixable}: rebuild (2 fixable finding(s) at CRITICAL/HIGH: CVE-2022-40897;", decide.Output); // both platforms
        Assert.Contains($"Refresh {old}: rebuild (10.", decide.Output);
        Assert.Contains("older than the maximum age of 7 days", decide.Output);
        var summary = File.ReadAllText(Path.Combine(rebuildRun, "summary.md"));
        Assert.Contains("Unfixable findings", summary);
        Assert.Contains("| CVE-2019-18276 | LOW | bash |", summary);
        Assert.Contains("ruleId\": \"CVE-2022-40897", File.ReadAllText(Path.Combine(rebuildRun, "refresh", "sarif", $"{fixable}.linux-amd64.sarif")));

        // The rebuild the freshness workflow asks for: the publishing run on the same commit with --refresh-packages
        // (the fixed packages are what Trivy now sees: no findings).
        var rebuildArtifacts = Path.Combine(WorkDirectory, "rebuilt");
        var rebuilt = await RunBuildAsync(PipelineArguments("Publish", "--refresh-packages", string.Join(",", decisions["rebuild"]!.AsArray().Select(n => (string)n!)),
            "--artifacts", rebuildArtifacts));
        Assert.True(rebuilt.Succeeded, "refresh Publish failed");
        var plan = File.ReadAllText(Path.Combine(rebuildArtifacts, "bake-plan.txt"));
        Assert.Contains($"{fixable}: build (reuse refused: refresh requested (--refresh-packages): today's packages, snapshot {Today}.2)", plan);
        Assert.Contains($"{old}: build (reuse refused: refresh requested (--refresh-packages): today's packages, snapshot {Today})", plan);
        var after = await TagDigestsAsync();
        foreach (var (id, snapshot, was) in new[] { (fixable, Today + ".2", first.Permutations.Single(p => p.Id == fixable).Digest), (old, Today, agedDigest) })
        {
            Assert.NotEqual(was, after[id]); // re-tagged
            Assert.Equal(before[$"{HeadSha}-{id}"], after[$"{HeadSha}-{id}"]); // the commit's own tag names its first image, immutable
            Assert.True((await CosignAsync("verify", $"{Repository}:{id}")).Succeeded, $"cosign verify failed for the refreshed {id}"); // re-signed
            var inspect = await RunToolAsync("skopeo", ["inspect", "--tls-verify=false", $"docker://{Repository}:{id}"]);
            Assert.True(inspect.Succeeded, inspect.Output);
            Assert.Equal(snapshot, (string?)JsonNode.Parse(inspect.StandardOutput)!["Labels"]![Pipeline.Rules.PackageSnapshot.LabelKey]);
        }
        // The fixable permutation's new snapshot missed the cache at the package layer: its image differs from the first.
        Assert.NotEqual(first.Permutations.Single(p => p.Id == fixable).Digest, ReadManifest(Path.Combine(rebuildArtifacts, "manifest.json")).Permutations.Single(p => p.Id == fixable).Digest);

        // The next ordinary push with nothing changed keeps the refreshed images (their snapshot is inherited).
        var next = await RunBuildAsync(["Bake", "--bake-file", RepoPaths.FixtureBakeFile, "--registry", Registry.Prefix, "--cache", "none", "--cosign-key", KeyPath,
            "--permutations", .. TwoPermutations, "--no-logo", "--artifacts", Path.Combine(WorkDirectory, "next")]);
        Assert.True(next.Succeeded, "Bake after the refresh failed");
        foreach (var id in TwoPermutations)
            Assert.Contains($"{id}: reuse {after[id]} (inputs unchanged;", File.ReadAllText(Path.Combine(WorkDirectory, "next", "bake-plan.txt")));

        // Reuse never keeps an image past the maximum age, refresh or not: an ordinary push finds it 10 days old and builds.
        var refreshed = (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), old))!;
        var stale = refreshed.Json;
        stale["annotations"]![Pipeline.Rules.PackageSnapshot.LabelKey] = DateTime.UtcNow.AddDays(-10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await Registry.Client.PutManifestAsync(Registry.RepositoryPath(), old, refreshed with { Bytes = System.Text.Encoding.UTF8.GetBytes(stale.ToJsonString()) });
        var push = await RunBuildAsync(["Bake", "--bake-file", RepoPaths.FixtureBakeFile, "--registry", Registry.Prefix, "--cache", "none", "--cosign-key", KeyPath,
            "--permutations", old, "--no-logo", "--artifacts", Path.Combine(WorkDirectory, "aged-push")]);
        Assert.True(push.Succeeded, "Bake of the aged image failed");
        Assert.Contains($"{old}: build (reuse refused: the published image is 10.", File.ReadAllText(Path.Combine(WorkDirectory, "aged-push", "bake-plan.txt")));
        Assert.Contains("older than the maximum age of 7 days (--max-image-age): today's packages, snapshot " + Today, push.Output);
    }
}
