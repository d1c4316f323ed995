using System.Text.Json.Nodes;
using Xunit;

namespace Integration.Tests.HarnessTests;

/// <summary>The double's reports have the shape of Trivy's real outputs (the samples are Trivy's golden files).</summary>
public sealed class TrivyDoubleFormatTests : IDisposable
{
    readonly TrivyDoubleRun _double = new();

    public TrivyDoubleFormatTests() => _double.WriteArchive("image.tar");

    static JsonObject Sample(string name) => JsonNode.Parse(File.ReadAllText(TrivyDoubleRun.Sample(name)))!.AsObject();
    static List<string> Keys(JsonNode? node) => node!.AsObject().Select(p => p.Key).ToList();

    [Fact]
    public void Json_report_has_trivy_field_order_and_copies_real_vulnerabilities_unchanged()
    {
        _double.Environment["TRIVY_TEST_DOUBLE_FINDINGS"] = TrivyDoubleRun.Sample("trivy-report-alpine-39.json");
        _double.Run("image", "--input", "image.tar", "-f", "json", "-o", "r.json");
        var report = _double.ReadJson("r.json");
        var real = Sample("trivy-report-alpine-39.json");
        Assert.Equal(Keys(real), Keys(report));
        Assert.Equal(Keys(real["Metadata"]).Except(["RepoTags", "Reference"]), Keys(report["Metadata"]));
        Assert.Equal(Keys(real["Results"]![0]), Keys(report["Results"]![0]));
        Assert.True(JsonNode.DeepEquals(real["Results"]![0]!["Vulnerabilities"], report["Results"]![0]!["Vulnerabilities"]));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", (string)report["CreatedAt"]!);
    }

    [Fact]
    public void Convert_to_sarif_writes_what_trivy_writes_for_the_same_json_report()
    {
        File.Copy(TrivyDoubleRun.Sample("trivy-report-alpine-310.json"), Path.Combine(_double.Directory, "alpine-310.json"));
        var (exit, _, stderr) = _double.Run("convert", "--format", "sarif", "--output", "r.sarif", "alpine-310.json");
        Assert.True(exit == 0, stderr);
        var sarif = _double.ReadJson("r.sarif");
        var real = Sample("trivy-sarif-alpine-310.sarif");
        // Trivy's golden was written by a development build; the double reports the version it stands in for.
        Assert.Equal("0.67.2", (string?)sarif["runs"]![0]!["tool"]!["driver"]!["version"]);
        sarif["runs"]![0]!["tool"]!["driver"]!["version"] = "dev";
        Assert.True(JsonNode.DeepEquals(real, sarif), sarif.ToJsonString());
        Assert.Contains("converts only to sarif", _double.Run("convert", "--format", "cyclonedx", "alpine-310.json").Stderr);
    }

    [Integration.Tests.Harness.IntegrationFact]
    public async Task Registry_reference_scan_reads_the_platforms_image_from_the_loopback_registry_and_names_the_reference()
    {
        Integration.Tests.Harness.Toolchain.Require();
        // The toolchain's multi-platform base: its arm64 manifest's config, read by the double over the distribution API.
        var reference = $"{Integration.Tests.Harness.ToolchainEnvironment.RegistryAddress}/base/busybox:latest";
        using var registry = new Integration.Tests.Harness.RegistryHttp(Integration.Tests.Harness.ToolchainEnvironment.RegistryAddress);
        var index = (await registry.ManifestAsync("base/busybox", "latest"))!;
        var arm64 = (await registry.ManifestAsync("base/busybox", index.PlatformDigests["linux/arm64"]))!;

        var (exit, _, stderr) = _double.Run("image", "--image-src", "remote", "--insecure", "--platform", "linux/arm64", reference, "-f", "json", "-o", "r.json");
        Assert.True(exit == 0, stderr);
        var report = _double.ReadJson("r.json");
        Assert.Equal(reference, (string?)report["ArtifactName"]);
        Assert.Equal(reference, (string?)report["Metadata"]!["Reference"]);
        Assert.Equal((string)arm64.Json["config"]!["digest"]!, (string?)report["Metadata"]!["ImageID"]);
        Assert.Equal("arm64", (string?)report["Metadata"]!["ImageConfig"]!["architecture"]);

        // As Trivy against a plain-HTTP registry without --insecure, and never a registry off this machine.
        Assert.Contains("pass --insecure for a plain-HTTP registry", _double.Run("image", reference, "-f", "json", "-o", "x.json").Stderr);
        Assert.Contains("reads only loopback registries", _double.Run("image", "--insecure", "ghcr.io/acme/devcontainer:x", "-f", "json", "-o", "x.json").Stderr);
        Assert.Contains("--image-src remote", _double.Run("image", "--image-src", "docker", "--insecure", reference, "-f", "json", "-o", "x.json").Stderr);
    }

    [Fact]
    public void CycloneDx_matches_trivy_shape_and_lists_vulnerable_packages_without_vulnerabilities_by_default()
    {
        _double.Environment["TRIVY_TEST_DOUBLE_FINDINGS"] = TrivyDoubleRun.Sample("trivy-report-alpine-39.json");
        _double.Run("image", "--input", "image.tar", "--format", "cyclonedx", "--output", "sbom.cdx.json");
        var bom = _double.ReadJson("sbom.cdx.json");
        var real = Sample("trivy-sbom-fluentd-multiple-lockfiles.cdx.json");
        Assert.Equal(Keys(real).Except(["vulnerabilities"]), Keys(bom));
        Assert.Equal(Keys(real["metadata"]), Keys(bom["metadata"]));
        Assert.Equal(Keys(real["metadata"]!["component"]), Keys(bom["metadata"]!["component"]));
        Assert.Equal("container", (string?)bom["metadata"]!["component"]!["type"]);
        Assert.Equal("image.tar", (string?)bom["metadata"]!["component"]!["name"]);
        Assert.Matches("^urn:uuid:[0-9a-f-]{36}$", (string)bom["serialNumber"]!);
        var names = bom["components"]!.AsArray().Select(c => (string?)c!["name"]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["alpine", "libcrypto1.1", "libssl1.1", "musl", "musl-utils"], names);
        var root = bom["dependencies"]!.AsArray().Single(d => (string?)d!["ref"] == (string?)bom["metadata"]!["component"]!["bom-ref"]);
        Assert.Single(root!["dependsOn"]!.AsArray());
        Assert.Null(bom["vulnerabilities"]);
    }

    [Fact]
    public void CycloneDx_with_the_vuln_scanner_carries_the_filtered_vulnerabilities()
    {
        _double.Environment["TRIVY_TEST_DOUBLE_FINDINGS"] = TrivyDoubleRun.Sample("trivy-report-alpine-39.json");
        _double.Run("image", "--input", "image.tar", "--format", "cyclonedx", "--scanners", "vuln", "--severity", "CRITICAL", "-o", "sbom.json");
        var vulnerabilities = _double.ReadJson("sbom.json")["vulnerabilities"]!.AsArray();
        Assert.Equal(2, vulnerabilities.Count);
        Assert.All(vulnerabilities, v => Assert.Equal("CVE-2019-14697", (string?)v!["id"]));
        Assert.Contains(vulnerabilities, v => (string?)v!["affects"]![0]!["ref"] == "pkg:apk/alpine/musl@1.1.20-r4?arch=x86_64&distro=3.9.4");
    }

    [Fact]
    public void CycloneDx_components_can_come_from_a_real_sbom_sample()
    {
        _double.Environment["TRIVY_TEST_DOUBLE_SBOM"] = TrivyDoubleRun.Sample("trivy-sbom-centos-7.cdx.json");
        _double.Run("image", "--input", "image.tar", "--format", "cyclonedx", "-o", "sbom.json");
        var bom = _double.ReadJson("sbom.json");
        var real = Sample("trivy-sbom-centos-7.cdx.json");
        Assert.True(JsonNode.DeepEquals(real["components"], bom["components"]));
        Assert.Equal("image.tar", (string?)bom["metadata"]!["component"]!["name"]);
        Assert.Contains(bom["metadata"]!["component"]!["properties"]!.AsArray(),
            p => (string?)p!["name"] == "aquasecurity:trivy:ImageID" && ((string?)p["value"])!.StartsWith("sha256:"));
    }

    [Fact]
    public void Clean_image_sbom_is_valid_with_no_components()
    {
        _double.Run("image", "--input", "image.tar", "--format", "cyclonedx", "-o", "sbom.json");
        var bom = _double.ReadJson("sbom.json");
        Assert.Equal("CycloneDX", (string?)bom["bomFormat"]);
        Assert.Empty(bom["components"]!.AsArray());
        Assert.Single(bom["dependencies"]!.AsArray());
    }

    public void Dispose() => _double.Dispose();
}
