using Tests.Shared;
using Xunit;

namespace BuildTests.Publish;

public class ScanGateTests
{
    static string Fixture(string name) => PublishFixtures.Read(name);

    [Fact]
    public void Critical_findings_fail_the_gate_naming_permutation_and_findings()
    {
        var result = ScanGate.Evaluate("gcc15-clang20", Fixture("trivy-report-alpine-39.json"), ScanGate.DefaultFailOn);
        Assert.False(result.Passed);
        Assert.Equal(new SeverityCounts(2, 0, 4, 0, 0), result.Counts);
        Assert.Equal(["musl", "musl-utils"], result.Blocking.Select(f => f.PackageName));
        Assert.Equal("dev", result.TrivyVersion);
        var message = result.FailureMessage();
        Assert.StartsWith("Scan gate failed for gcc15-clang20: 2 finding(s) at CRITICAL/HIGH: CVE-2019-14697 (CRITICAL, musl 1.1.20-r4)", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Low_and_medium_pass_by_default_but_fail_when_medium_is_configured()
    {
        var report = Fixture("trivy-report-ubuntu-1804.json");
        var lenient = ScanGate.Evaluate("p", report, ScanGate.DefaultFailOn);
        Assert.True(lenient.Passed);
        Assert.Equal(new SeverityCounts(0, 0, 4, 1, 0), lenient.Counts);
        var strict = ScanGate.Evaluate("p", report, ["medium"]);
        Assert.False(strict.Passed);
        Assert.Equal(4, strict.Blocking.Count);
        Assert.All(strict.Blocking, f => Assert.Equal("MEDIUM", f.Severity));
    }

    [Theory]
    [InlineData("trivy-report-sle-micro-rancher-5.4-clean.json")]
    [InlineData("trivy-report-alpine-39-no-results.json")]
    public void Reports_without_vulnerabilities_or_results_are_clean(string fixture)
    {
        var result = ScanGate.Evaluate("p", Fixture(fixture), ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"]);
        Assert.True(result.Passed);
        Assert.Equal(new SeverityCounts(0, 0, 0, 0, 0), result.Counts);
    }

    [Fact]
    public void A_report_that_is_not_trivy_json_is_an_error_not_a_pass()
    {
        Assert.Contains("SchemaVersion 2", Assert.Throws<InvalidOperationException>(() => ScanGate.Evaluate("p", Fixture("trivy-sbom-centos-7.cdx.json"), ScanGate.DefaultFailOn)).Message);
        Assert.Contains("not JSON", Assert.Throws<InvalidOperationException>(() => ScanGate.Evaluate("p", "Total: 3", ScanGate.DefaultFailOn)).Message);
        Assert.Contains("--fail-on-severity has unknown severity 'SEVERE'", Assert.Throws<ArgumentException>(() => ScanGate.Evaluate("p", "{}", ["SEVERE"])).Message);
    }

    [Fact]
    public void Summary_table_lists_each_permutation()
    {
        var table = ScanGate.SummaryTable([
            ScanGate.Evaluate("gcc14-clang20", Fixture("trivy-report-alpine-39.json"), ScanGate.DefaultFailOn),
            ScanGate.Evaluate("gcc15-clang20", Fixture("trivy-report-ubuntu-1804.json"), ScanGate.DefaultFailOn)]);
        Golden.Match("scan-summary.md", table);
    }

    [Fact]
    public void A_platform_report_failing_names_the_platform()
    {
        var result = ScanGate.Evaluate("gcc14-clang20", Fixture("trivy-report-alpine-39.json"), ScanGate.DefaultFailOn, "linux/arm64");
        Assert.StartsWith("Scan gate failed for gcc14-clang20 linux/arm64: 2 finding(s)", result.FailureMessage());
        Assert.Contains("| gcc14-clang20 linux/arm64 | 2 | 0 | 4 | 0 | 0 | CRITICAL,HIGH | **FAIL** |", ScanGate.SummaryTable([result]));
    }

    [Fact]
    public void The_merged_report_fails_when_any_platform_fails_and_sums_counts_with_targets_naming_the_platform()
    {
        var merged = PlatformScanReports.Merge("gcc14-clang20", [("linux/amd64", Fixture("trivy-report-ubuntu-1804.json")), ("linux/arm64", Fixture("trivy-report-alpine-39.json"))]);
        var result = ScanGate.Evaluate("gcc14-clang20", merged, ScanGate.DefaultFailOn);
        Assert.False(result.Passed);
        Assert.Equal(new SeverityCounts(2, 0, 8, 1, 0), result.Counts);
        Assert.All(result.Blocking, f => Assert.StartsWith("linux/arm64: ", f.Target));
        var clean = PlatformScanReports.Merge("p", [("linux/amd64", Fixture("trivy-report-ubuntu-1804.json"))]);
        Assert.True(ScanGate.Evaluate("p", clean, ScanGate.DefaultFailOn).Passed);
        Assert.Throws<ArgumentException>(() => PlatformScanReports.Merge("p", []));
    }
}
