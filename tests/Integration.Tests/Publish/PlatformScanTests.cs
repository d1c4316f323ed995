using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Publish;

/// <summary>Scan and SBOM cover every platform of every image: arm64 is gated like amd64, and named when it fails.</summary>
public class PlatformScanTests(ITestOutputHelper output) : PublishTest(output)
{
    const string Id = "gcc14-clang20";

    /// <param name="output">Bake's --image-output: registry (Trivy reads each platform by digest there) or archive (a layout per platform).</param>
    [IntegrationTheory]
    [InlineData("registry")]
    [InlineData("archive")]
    public async Task Findings_only_in_the_arm64_image_fail_the_gate_naming_linux_arm64_and_each_platform_gets_its_own_SBOM(string output)
    {
        var log = Path.Combine(WorkDirectory, "trivy-invocations.jsonl");
        Build.Environment["TRIVY_TEST_DOUBLE_LOG"] = log;
        Build.Environment["TRIVY_TEST_DOUBLE_FINDINGS"] = RepoPaths.TrivySample("trivy-report-alpine-39.json");
        Build.Environment["TRIVY_TEST_DOUBLE_FINDINGS_PLATFORM"] = "linux/arm64";
        string[] common = ["--bake-file", RepoPaths.FixtureBakeFile, "--registry", Registry.Prefix, "--cache", "none", "--cosign-key", KeyPath, "--permutations", Id, "--no-logo",
            "--image-output", output];

        var result = await RunBuildAsync(["Publish", .. common]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"Scan gate failed for {Id} linux/arm64: 2 finding(s) at CRITICAL/HIGH: CVE-2019-14697 (CRITICAL, musl", result.Output);
        Assert.DoesNotContain($"Scan gate failed for {Id} linux/amd64", result.Output);
        var summary = File.ReadAllText(Path.Combine(ArtifactsDirectory, "summary.md"));
        Assert.Contains($"| {Id} linux/amd64 | 0 | 0 | 0 | 0 | 0 | CRITICAL,HIGH | pass |", summary);
        Assert.Contains($"| {Id} linux/arm64 | 2 | 0 | 4 | 0 | 0 | CRITICAL,HIGH | **FAIL** |", summary);
        await AssertNothingPublishedAsync();

        // Each report is Trivy's JSON of that platform's own image (its arm64 manifest's config, not amd64's).
        var archive = Path.Combine(ArtifactsDirectory, "images", Id + ".tar");
        var configs = new Dictionary<string, string>();
        foreach (var platform in new[] { "linux/amd64", "linux/arm64" })
            configs[platform] = output == "archive" ? OciArchiveReader.ConfigDigest(archive, platform) : await RegistryConfigDigestAsync(platform);
        Assert.NotEqual(configs["linux/amd64"], configs["linux/arm64"]);
        foreach (var platform in new[] { "linux/amd64", "linux/arm64" })
        {
            var report = JsonNode.Parse(File.ReadAllText(Path.Combine(ArtifactsDirectory, "scan", $"{Id}.{platform.Replace('/', '-')}.json")))!;
            Assert.Equal(configs[platform], (string?)report["Metadata"]!["ImageID"]);
            Assert.Equal(platform == "linux/arm64" ? 6 : 0, report["Results"]?.AsArray().SelectMany(r => r!["Vulnerabilities"]?.AsArray() ?? []).Count() ?? 0);
        }

        // The permutation's report (the manifest's) holds every platform's results, each target naming its platform.
        var merged = JsonNode.Parse(File.ReadAllText(Path.Combine(ArtifactsDirectory, "scan", $"{Id}.json")))!;
        var targets = merged["Results"]!.AsArray().Where(r => r!["Vulnerabilities"] is JsonArray).Select(r => (string)r!["Target"]!).ToList();
        Assert.NotEmpty(targets);
        Assert.All(targets, t => Assert.StartsWith("linux/arm64: ", t));

        // The SBOM target writes one SBOM per platform, each of its own image.
        var sbom = await RunBuildAsync(["Sbom", "--skip", .. common]);
        Assert.True(sbom.Succeeded, "Sbom failed");
        Assert.False(File.Exists(Path.Combine(ArtifactsDirectory, "summary.md")), "the Scan run's table outlived it (summary.md is this run's)");
        foreach (var platform in new[] { "linux/amd64", "linux/arm64" })
        {
            var document = JsonNode.Parse(File.ReadAllText(Path.Combine(ArtifactsDirectory, "sbom", $"{Id}.{platform.Replace('/', '-')}.cdx.json")))!;
            Assert.Equal("CycloneDX", (string?)document["bomFormat"]);
            var properties = document["metadata"]!["component"]!["properties"]!.AsArray();
            Assert.Contains(properties, p => (string?)p!["name"] == "aquasecurity:trivy:ImageID" && (string?)p["value"] == configs[platform]);
        }
        var invocations = File.ReadAllLines(log).Select(l => JsonNode.Parse(l)!["args"]!.AsArray().Select(a => (string)a!).ToList()).ToList();
        if (output == "archive")
            // Trivy ran for each platform and format, each time on a layout holding that platform only.
            Assert.All(invocations, args => Assert.Matches(
                $@"^{Regex.Escape($"{Id}.{args[args.IndexOf("--platform") + 1].Replace('/', '-')}.{args[args.IndexOf("--format") + 1]}.")}[a-z0-9]+\.tar$",
                Path.GetFileName(args[args.IndexOf("--input") + 1])));
        else
            // Trivy read the image in its registry, by digest, picking each platform out of the index.
            Assert.All(invocations, args =>
            {
                Assert.DoesNotContain("--input", args);
                Assert.Equal(["--image-src", "remote", "--insecure", PushedImageStore.Read(Path.Combine(ArtifactsDirectory, "pushed", Id + ".json")).Reference], args.TakeLast(4));
            });
        var ran = invocations.Select(args => (args[args.IndexOf("--format") + 1], args[args.IndexOf("--platform") + 1])).ToHashSet();
        Assert.Equal(new[] { ("cyclonedx", "linux/amd64"), ("cyclonedx", "linux/arm64"), ("json", "linux/amd64"), ("json", "linux/arm64") }, ran.Order());
    }

    async Task<string> RegistryConfigDigestAsync(string platform)
    {
        var image = PushedImageStore.Read(Path.Combine(ArtifactsDirectory, "pushed", Id + ".json"));
        var index = (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), image.Digest))!;
        return (string)(await Registry.Client.ManifestAsync(Registry.RepositoryPath(), index.PlatformDigests[platform]))!.Json["config"]!["digest"]!;
    }
}
