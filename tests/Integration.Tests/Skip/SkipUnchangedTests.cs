using System.Text.RegularExpressions;
using Integration.Tests.Harness;
using Integration.Tests.Publish;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Skip;

/// <summary>
/// Skipping unchanged permutations on the fixture, real registry and cosign: a second commit with unchanged inputs
/// builds and pushes nothing and tags the published digests; a changed fixture file rebuilds; --force rebuilds.
/// The fixture is copied into the test's directory so the test can change a file without touching anyone else's build.
/// </summary>
public sealed class SkipUnchangedTests(ITestOutputHelper output) : PublishTest(output)
{
    static readonly string ShaB = new('b', 40);
    static readonly string ShaC = new('c', 40);

    [IntegrationFact]
    public async Task Unchanged_inputs_reuse_the_signed_digest_with_new_tags_and_a_changed_file_rebuilds()
    {
        var fixture = RepoPaths.CopyFixture(WorkDirectory);
        var first = await PublishAt(HeadSha, fixture, "first");
        Assert.True(first.Result.Succeeded, "first Publish failed");
        Assert.Matches(BuildLine, first.Result.Output);

        // A new commit, same inputs: no bake, no push, no signing, no image bytes; only the new immutable tag.
        var trivyLog = Path.Combine(WorkDirectory, "trivy-second.jsonl");
        Build.Environment["TRIVY_TEST_DOUBLE_LOG"] = trivyLog;
        var second = await PublishAt(ShaB, fixture, "second");
        Build.Environment.Remove("TRIVY_TEST_DOUBLE_LOG");
        Assert.True(second.Result.Succeeded, "second Publish failed");
        Assert.DoesNotMatch(BuildLine, second.Result.Output);
        Assert.Equal(first.Manifest.Permutations.Select(p => p.Digest), second.Manifest.Permutations.Select(p => p.Digest));
        Assert.Equal(first.Manifest.Permutations.Select(p => p.InputDigest), second.Manifest.Permutations.Select(p => p.InputDigest));
        var plan = File.ReadAllText(Path.Combine(second.Artifacts, "publish-plan.txt"));
        Assert.All(plan.Split('\n', StringSplitOptions.RemoveEmptyEntries), step => Assert.Matches(@"^(Verify|Tag)\s", step));
        foreach (var entry in second.Manifest.Permutations)
        {
            Assert.Matches(@"^sha256:[0-9a-f]{64}$", entry.InputDigest);
            Assert.Contains($"{entry.Id}: reuse {entry.Digest} (inputs unchanged; {Repository}:{entry.Id})", File.ReadAllText(Path.Combine(second.Artifacts, "bake-plan.txt")));
            var newTag = $"{Repository}:{ShaB}-{entry.Id}";
            Assert.Equal(entry.Digest, (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), $"{ShaB}-{entry.Id}"))!.Digest);
            Assert.True((await CosignAsync("verify", newTag)).Succeeded, "cosign verify failed for " + newTag);
            Assert.True((await CosignAsync("verify-attestation", "--type", "slsaprovenance1", newTag)).Succeeded, "provenance did not verify for " + newTag);
            // The manifest's provenance is the one attested by the run that built the image, not one naming this commit.
            var provenance = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(second.Artifacts, "provenance", $"{entry.Id}.slsa.json")))!;
            Assert.Equal(HeadSha, (string?)provenance["buildDefinition"]!["resolvedDependencies"]![0]!["digest"]!["gitCommit"]);
            await AssertPlatformSbomsAttestedAsync(entry, second.Artifacts);
            // The label in the image config says the same as the manifest.
            var config = await ConfigLabelsAsync(entry.Digest);
            Assert.Equal(entry.InputDigest, config[InputDigest.LabelKey]);
            // Nothing of the image was downloaded: no archive, only the published index (whose hash is the digest) and
            // each platform's SBOM attested by the first run, which Scan re-scanned with `trivy sbom`.
            Assert.Null(entry.Archive);
            Assert.False(File.Exists(Path.Combine(second.Artifacts, "images", $"{entry.Id}.tar")), "the reused image was downloaded");
            Assert.Equal(entry.Digest, ContentDigest.Sha256(File.ReadAllBytes(Path.Combine(second.Artifacts, "images", $"{entry.Id}.index.json"))));
            foreach (var sbom in new[] { $"{entry.Id}.cdx.json", $"{entry.Id}.linux-amd64.cdx.json", $"{entry.Id}.linux-arm64.cdx.json" })
                Assert.True(File.ReadAllBytes(Path.Combine(first.Artifacts, "sbom", sbom)).SequenceEqual(File.ReadAllBytes(Path.Combine(second.Artifacts, "sbom", sbom))),
                    $"the reused {sbom} is not the one the first run attested");
        }
        var scans = File.ReadAllLines(trivyLog).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList()).ToList();
        Assert.Equal(TwoPermutations.Length * 2, scans.Count); // each platform's attested SBOM
        Assert.All(scans, args => Assert.Equal("sbom", args[0]));
        Assert.DoesNotContain(scans, args => args.Contains("--input"));

        // A local Bake publishes nothing, so it would build this machine's platform only; the published image of every
        // platform has these inputs, so it is reused whole instead (no build). A laptop has no GitHub variables; with the
        // team's public key it verifies the published SBOM attestations offline and keeps them (keyless verification
        // would ask Sigstore's servers).
        var laptop = new Dictionary<string, string?> { ["CI"] = null, ["GITHUB_REPOSITORY"] = null, ["GITHUB_SERVER_URL"] = null,
            ["GITHUB_EVENT_NAME"] = null, ["GITHUB_REF"] = null, ["GITHUB_SHA"] = null };
        var local = await Build.RunAsync(["Bake", "--bake-file", fixture, "--registry", Registry.Prefix, "--cache", "none",
            "--cosign-public-key", PublicKeyPath, "--permutations", .. TwoPermutations, "--no-logo", "--artifacts", Path.Combine(WorkDirectory, "local")],
            null, laptop, null);
        Assert.True(local.Succeeded, "local Bake failed");
        Assert.Contains("this machine's own", local.Output);
        Assert.DoesNotMatch(BuildLine, local.Output);
        Assert.DoesNotContain("without its attested SBOMs", local.Output);
        foreach (var entry in second.Manifest.Permutations)
            Assert.Contains($"{entry.Id}: reuse {entry.Digest} (inputs unchanged; {Repository}:{entry.Id}, every platform)",
                File.ReadAllText(Path.Combine(WorkDirectory, "local", "bake-plan.txt")));

        // The gate still runs on today's vulnerability data: the same reused SBOMs, now with critical findings, fail Scan.
        Build.Environment["TRIVY_TEST_DOUBLE_FINDINGS"] = RepoPaths.TrivySample("trivy-report-alpine-39.json");
        var rescan = await RunBuildAsync(["Scan", "--skip", "--bake-file", fixture, "--registry", Registry.Prefix, "--permutations", .. TwoPermutations,
            "--no-logo", "--artifacts", second.Artifacts]);
        Build.Environment.Remove("TRIVY_TEST_DOUBLE_FINDINGS");
        Assert.False(rescan.Succeeded, "Scan passed although the SBOM scan found CRITICAL vulnerabilities");
        Assert.Contains($"Scan gate failed for {TwoPermutations[0]}", rescan.Output);

        // One fixture file changes: every permutation rebuilds, gets a new digest and the mutable tag moves to it.
        File.AppendAllText(Path.Combine(Path.GetDirectoryName(fixture)!, "compilers", "gcc.in"), "# changed\n");
        var third = await PublishAt(ShaC, fixture, "third");
        Assert.True(third.Result.Succeeded, "third Publish failed");
        Assert.Matches(BuildLine, third.Result.Output);
        foreach (var (before, after) in second.Manifest.Permutations.Zip(third.Manifest.Permutations))
        {
            Assert.NotEqual(before.InputDigest, after.InputDigest);
            Assert.NotEqual(before.Digest, after.Digest);
            Assert.Contains($"{after.Id}: build (inputs changed since {Repository}:{after.Id} ({before.InputDigest}))", File.ReadAllText(Path.Combine(third.Artifacts, "bake-plan.txt")));
            Assert.Equal(after.Digest, (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), after.Id))!.Digest);
        }

        // --force builds although the inputs equal what was just published.
        var forced = await RunBuildAsync(["Bake", "--force", "--bake-file", fixture, "--registry", Registry.Prefix, "--cache", "none",
            "--permutations", .. TwoPermutations, "--no-logo", "--artifacts", Path.Combine(WorkDirectory, "forced")]);
        Assert.True(forced.Succeeded, "forced Bake failed");
        Assert.Matches(BuildLine, forced.Output);
        Assert.Contains($"{TwoPermutations[0]}: build (--force)", forced.Output);
    }

    /// <summary>The log line of an image bake (not `bake --print`, which the plan always runs).</summary>
    static readonly Regex BuildLine = new(@"> docker buildx bake .*--metadata-file", RegexOptions.Multiline);

    async Task<(ProcessResult Result, ReleaseManifest Manifest, string Artifacts)> PublishAt(string sha, string bakeFile, string run)
    {
        Build.Environment["GITHUB_SHA"] = sha;
        var artifacts = Path.Combine(WorkDirectory, run);
        var result = await RunBuildAsync(["Publish", "--bake-file", bakeFile, "--registry", Registry.Prefix, "--cache", "none",
            "--cosign-key", KeyPath, "--permutations", .. TwoPermutations, "--no-logo", "--artifacts", artifacts]);
        var manifest = File.Exists(Path.Combine(artifacts, "manifest.json")) ? ReadManifest(Path.Combine(artifacts, "manifest.json")) : null;
        return (result, manifest!, artifacts);
    }

    async Task<IReadOnlyDictionary<string, string>> ConfigLabelsAsync(string indexDigest)
    {
        var index = (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), indexDigest))!;
        var manifest = (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), index.PlatformDigests.Values.First()))!;
        var configDigest = manifest.Json["config"]!["digest"]!.GetValue<string>();
        var config = System.Text.Json.Nodes.JsonNode.Parse(await Registry.Client.BlobAsync(Registry.RepositoryPath(), configDigest))!;
        return config["config"]!["Labels"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
    }
}
