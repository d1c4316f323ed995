using Xunit;

namespace BuildTests.Publish;

public class SbomGateTests
{
    [Theory]
    [InlineData("trivy-sbom-centos-7.cdx.json")]
    [InlineData("trivy-sbom-fluentd-multiple-lockfiles.cdx.json")]
    public void Trivy_cyclonedx_sboms_pass(string fixture) =>
        Assert.Null(SbomGate.Problem("p", PublishFixtures.PathOf(fixture)));

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("   \n", "is empty")]
    [InlineData("{ broken", "not valid JSON")]
    [InlineData("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"metadata\":{\"component\":{}},\"components\":[]}", "lists no components")]
    [InlineData("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{}]}", "metadata.component missing")]
    [InlineData("{\"bomFormat\":\"CycloneDX\",\"metadata\":{\"component\":{}},\"components\":[{}]}", "specVersion")]
    public void Empty_or_invalid_sboms_fail_with_the_reason(string content, string reason)
    {
        var problem = SbomGate.Problem("gcc14-clang20", content, "sbom/gcc14-clang20.cdx.json");
        Assert.NotNull(problem);
        Assert.Contains(reason, problem);
        Assert.Contains("gcc14-clang20", problem);
    }

    [Fact]
    public void Spdx_and_missing_files_fail()
    {
        Assert.Contains("not CycloneDX", SbomGate.Problem("p", PublishFixtures.PathOf("trivy-sbom-centos-7.spdx.json")));
        Assert.Contains("is missing", SbomGate.Problem("p", "/nonexistent/sbom.cdx.json"));
    }

    [Fact]
    public void An_sbom_over_the_documented_limit_is_one_line_naming_its_size_and_the_fix()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("sbom-size-").FullName, "big.cdx.json");
        using (var file = File.Create(path)) file.SetLength(SbomGate.MaxBytes + 1);
        var problem = SbomGate.Problem("gcc14-clang20 linux/amd64", path);
        Assert.NotNull(problem);
        Assert.StartsWith($"SBOM for gcc14-clang20 linux/amd64 at {path} is 16.0 MiB, over the 16 MiB limit (README, Scanning);", problem);
        Assert.Contains("scan.skip-dirs", problem);
        Assert.DoesNotContain("\n", problem);
        Assert.Equal(16L * 1024 * 1024, SbomGate.MaxBytes);
    }
}
