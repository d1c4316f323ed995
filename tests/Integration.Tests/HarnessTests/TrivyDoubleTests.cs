using System.Text.Json.Nodes;
using Xunit;

namespace Integration.Tests.HarnessTests;

/// <summary>The Trivy double is test infrastructure, so it is tested like product code: Trivy's contracts.</summary>
public sealed class TrivyDoubleTests : IDisposable
{
    readonly TrivyDoubleRun _double = new();
    readonly Dictionary<string, string> _configs;

    public TrivyDoubleTests() => _configs = _double.WriteArchive("gcc14-clang20.tar");

    static List<string> Ids(JsonObject report) => report["Results"]?.AsArray()
        .SelectMany(r => r!["Vulnerabilities"]?.AsArray() ?? []).Select(v => $"{v!["VulnerabilityID"]}:{v["PkgName"]}:{v["Severity"]}")
        .Order(StringComparer.Ordinal).ToList() ?? [];

    void Findings(string sample) => _double.Environment["TRIVY_TEST_DOUBLE_FINDINGS"] = TrivyDoubleRun.Sample(sample);

    [Fact]
    public void Clean_image_exits_zero_even_with_exit_code_set_and_reports_the_archive_facts()
    {
        var (exit, _, _) = _double.Run("image", "--input", "gcc14-clang20.tar", "--format", "json", "--exit-code", "1", "--output", "r.json", "--platform", "linux/arm64");
        Assert.Equal(0, exit);
        var report = _double.ReadJson("r.json");
        Assert.Equal(2, (int)report["SchemaVersion"]!);
        Assert.Equal("gcc14-clang20.tar", (string?)report["ArtifactName"]);
        Assert.Equal("container_image", (string?)report["ArtifactType"]);
        Assert.Equal(_configs["linux/arm64"], (string?)report["Metadata"]!["ImageID"]);
        Assert.Equal("arm64", (string?)report["Metadata"]!["ImageConfig"]!["architecture"]);
        Assert.Equal("sha256:" + new string('b', 64), (string?)report["Metadata"]!["DiffIDs"]![0]);
        Assert.Equal(1234, (long)report["Metadata"]!["Size"]!);
        Assert.Null(report["Results"]);
    }

    [Fact]
    public void Critical_findings_at_selected_severities_exit_with_the_exit_code_and_are_reported()
    {
        Findings("trivy-report-alpine-39.json");
        var (exit, _, _) = _double.Run("image", "--input", "gcc14-clang20.tar", "--format", "json", "--severity", "HIGH,CRITICAL", "--exit-code", "3", "--output", "r.json");
        Assert.Equal(3, exit);
        var report = _double.ReadJson("r.json");
        Assert.Equal(["CVE-2019-14697:musl-utils:CRITICAL", "CVE-2019-14697:musl:CRITICAL"], Ids(report));
        Assert.Equal("gcc14-clang20.tar (alpine 3.9.4)", (string?)report["Results"]![0]!["Target"]);
        Assert.Equal("alpine", (string?)report["Metadata"]!["OS"]!["Family"]);
    }

    [Fact]
    public void Findings_below_the_selected_severities_pass_and_are_left_out_of_the_report()
    {
        Findings("trivy-report-ubuntu-1804.json");
        var (exit, _, _) = _double.Run("image", "--input", "gcc14-clang20.tar", "-f", "json", "-s", "HIGH,CRITICAL", "--exit-code", "1", "-o", "r.json");
        Assert.Equal(0, exit);
        Assert.Empty(Ids(_double.ReadJson("r.json")));
        Assert.Null(_double.ReadJson("r.json")["Results"]![0]!["Vulnerabilities"]);
    }

    [Fact]
    public void Ignore_unfixed_drops_only_vulnerabilities_without_a_fix()
    {
        Findings("trivy-report-ubuntu-1804.json");
        _double.Run("image", "--input", "gcc14-clang20.tar", "-f", "json", "-o", "all.json");
        _double.Run("image", "--input", "gcc14-clang20.tar", "-f", "json", "-o", "fixed.json", "--ignore-unfixed");
        Assert.Contains("CVE-2019-18276:bash:LOW", Ids(_double.ReadJson("all.json")));
        Assert.Equal(Ids(_double.ReadJson("all.json")).Where(id => id != "CVE-2019-18276:bash:LOW"), Ids(_double.ReadJson("fixed.json")));
        Assert.Equal(4, Ids(_double.ReadJson("fixed.json")).Count);
    }

    [Fact]
    public void Text_ignorefile_suppresses_listed_ids_but_not_expired_entries()
    {
        Findings("trivy-report-alpine-39.json");
        _double.Write(".trivyignore", "# accepted\nCVE-2019-14697\nCVE-2019-1549 exp:2000-01-01\n");
        var (exit, _, _) = _double.Run("image", "--input", "gcc14-clang20.tar", "-f", "json", "-o", "r.json", "--exit-code", "1");
        Assert.Equal(1, exit); // the expired entry still counts: MEDIUM CVE-2019-1549 remains
        var ids = Ids(_double.ReadJson("r.json"));
        Assert.DoesNotContain(ids, id => id.StartsWith("CVE-2019-14697"));
        Assert.Contains(ids, id => id.StartsWith("CVE-2019-1549"));

        var (exitCritical, _, _) = _double.Run("image", "--input", "gcc14-clang20.tar", "-f", "json", "-o", "c.json", "--exit-code", "1", "--severity", "CRITICAL");
        Assert.Equal(0, exitCritical);
    }

    [Fact]
    public void Yaml_ignorefile_matches_by_purl_without_version()
    {
        Findings("trivy-report-alpine-39.json");
        _double.Write("ignore.yaml", "vulnerabilities:\n  - id: CVE-2019-14697\n    purls:\n      - \"pkg:apk/alpine/musl\"\n");
        _double.Run("image", "--input", "gcc14-clang20.tar", "-f", "json", "-o", "r.json", "--severity", "CRITICAL", "--ignorefile", "ignore.yaml");
        Assert.Equal(["CVE-2019-14697:musl-utils:CRITICAL"], Ids(_double.ReadJson("r.json")));
    }

    [Fact]
    public void Config_file_supplies_severity_exit_code_ignorefile_and_ignore_unfixed_and_flags_override_it()
    {
        Findings("trivy-report-alpine-39.json");
        _double.Write("accepted.txt", "CVE-2019-1549\nCVE-2019-1551\n");
        _double.Write("ci-trivy.yaml", "format: json\nexit-code: 5\nseverity:\n  - MEDIUM\n  - CRITICAL\nignorefile: accepted.txt\nvulnerability:\n  ignore-unfixed: true\n");
        var (exit, _, _) = _double.Run("image", "--config", "ci-trivy.yaml", "--input", "gcc14-clang20.tar", "--output", "r.json");
        Assert.Equal(5, exit);
        Assert.Equal(["CVE-2019-14697:musl-utils:CRITICAL", "CVE-2019-14697:musl:CRITICAL"], Ids(_double.ReadJson("r.json")));

        var (overridden, _, _) = _double.Run("image", "--config", "ci-trivy.yaml", "--input", "gcc14-clang20.tar", "--output", "r.json", "--severity", "MEDIUM");
        Assert.Equal(0, overridden); // both MEDIUM findings are in the config's ignore file
    }

    [Fact]
    public void The_real_example_trivy_yaml_is_read()
    {
        Findings("trivy-report-alpine-39.json");
        File.Copy(TrivyDoubleRun.Sample("trivy.yaml"), Path.Combine(_double.Directory, "trivy.yaml"));
        var (exit, _, _) = _double.Run("image", "--input", "gcc14-clang20.tar"); // ./trivy.yaml: json to result.json, HIGH/CRITICAL, exit 1
        Assert.Equal(1, exit);
        Assert.Equal(2, Ids(_double.ReadJson("result.json")).Count);
    }

    [Fact]
    public void Findings_match_limits_findings_to_one_permutation()
    {
        Findings("trivy-report-alpine-39.json");
        _double.Environment["TRIVY_TEST_DOUBLE_FINDINGS_MATCH"] = "gcc15-clang20";
        File.Copy(Path.Combine(_double.Directory, "gcc14-clang20.tar"), Path.Combine(_double.Directory, "gcc15-clang20.tar"));
        Assert.Equal(0, _double.Run("image", "--input", "gcc14-clang20.tar", "--exit-code", "1", "-q").ExitCode);
        Assert.Equal(1, _double.Run("image", "--input", "gcc15-clang20.tar", "--exit-code", "1", "-q").ExitCode);
    }

    [Fact]
    public void Bad_input_fails_with_one_fatal_line_and_exit_code_one()
    {
        var missing = _double.Run("image", "--input", "nope.tar", "--exit-code", "4");
        Assert.Equal(1, missing.ExitCode);
        Assert.Single(missing.Stderr.Trim().Split('\n'), line => line.Contains("FATAL") && line.Contains("nope.tar"));
        var unknownFlag = _double.Run("image", "--input", "gcc14-clang20.tar", "--severty", "HIGH");
        Assert.Equal(1, unknownFlag.ExitCode);
        Assert.Contains("unknown flag: --severty", unknownFlag.Stderr);
        Assert.Equal(1, _double.Run("image", "--input", "gcc14-clang20.tar", "--severity", "SEVERE").ExitCode);
    }

    [Fact]
    public void Version_prints_a_trivy_like_line_and_says_it_is_a_test_double()
    {
        var (exit, stdout, _) = _double.Run("--version");
        Assert.Equal(0, exit);
        Assert.StartsWith("Version: 0.67.2\n", stdout);
        Assert.Contains("test double", stdout);
        _double.Environment["TRIVY_TEST_DOUBLE_VERSION"] = "0.58.1";
        Assert.StartsWith("Version: 0.58.1", _double.Run("version").Stdout);
    }

    [Fact]
    public void Invocations_are_logged_for_tests_that_check_what_the_pipeline_passed()
    {
        var log = Path.Combine(_double.Directory, "calls.jsonl");
        _double.Environment["TRIVY_TEST_DOUBLE_LOG"] = log;
        _double.Run("image", "--input", "gcc14-clang20.tar", "-q", "--skip-db-update", "--cache-dir", "/tmp/c");
        var call = JsonNode.Parse(File.ReadAllLines(log).Single())!;
        Assert.Equal(0, (int)call["exitCode"]!);
        Assert.Equal("--skip-db-update", (string?)call["args"]![4]);
    }

    public void Dispose() => _double.Dispose();
}
