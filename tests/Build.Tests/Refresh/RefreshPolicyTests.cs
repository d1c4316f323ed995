using BuildTests.Publish;
using Xunit;

namespace BuildTests.Refresh;

public class RefreshPolicyTests
{
    const string Id = "gcc14-clang20";
    const string Reference = "127.0.0.1:5000/team/devcontainer:gcc14-clang20";
    static readonly string Digest = "sha256:" + new string('d', 64);
    static readonly DateTimeOffset Now = new(2026, 8, 23, 3, 17, 0, TimeSpan.Zero);
    static readonly string Clean = PublishFixtures.Read("trivy-report-sle-micro-rancher-5.4-clean.json");

    static PublishedImage Published(string snapshot) => new(Reference, Digest, System.Text.Json.JsonSerializer.Serialize(
        new { schemaVersion = 2, manifests = Array.Empty<object>(), annotations = new Dictionary<string, string> { [PackageSnapshot.LabelKey] = snapshot } }));

    static RefreshVerdict Decide(string snapshot, int maxAgeDays, params (string Platform, string Report)[] reports) =>
        RefreshPolicy.Decide(Id, Published(snapshot), reports, ScanGate.DefaultFailOn, maxAgeDays, Now);

    [Fact]
    public void A_fixable_high_on_one_platform_rebuilds_and_an_unfixable_low_is_only_reported()
    {
        var verdict = Decide("2026-08-22", 7, ("linux/amd64", Clean), ("linux/arm64", PublishFixtures.Read("trivy-report-ubi-7-comprehensive.json")));
        Assert.True(verdict.Rebuild);
        var fixable = Assert.Single(verdict.Fixable);
        Assert.Equal(("linux/arm64", "CVE-2022-40897", "HIGH", "65.5.1"), (fixable.Platform, fixable.Finding.VulnerabilityId, fixable.Finding.Severity, fixable.Finding.FixedVersion));
        var unfixable = Assert.Single(verdict.Unfixable);
        Assert.Equal(("CVE-2019-18276", "LOW", "will_not_fix"), (unfixable.Finding.VulnerabilityId, unfixable.Finding.Severity, unfixable.Finding.Status));
        Assert.Equal("gcc14-clang20: rebuild (1 fixable finding(s) at CRITICAL/HIGH: CVE-2022-40897; 1.1 days old, within 7 days; 1 unfixable finding(s) reported)", verdict.Line);
        Assert.Equal("gcc14-clang20", RefreshPolicy.RefreshArgument([verdict]));
    }

    [Fact]
    public void Nothing_fixable_at_the_gate_and_younger_than_the_maximum_age_keeps_the_image()
    {
        // ubuntu 18.04: fixable MEDIUMs (below the gate) and an unfixable LOW.
        var verdict = Decide("2026-08-22", 7, ("linux/amd64", PublishFixtures.Read("trivy-report-ubuntu-1804.json")));
        Assert.False(verdict.Rebuild);
        Assert.Empty(verdict.Fixable);
        Assert.Equal(["CVE-2019-18276"], verdict.Unfixable.Select(f => f.Finding.VulnerabilityId));
        Assert.Equal("gcc14-clang20: keep (no fixable finding at the gate's severities; 1.1 days old, within 7 days; 1 unfixable finding(s) reported)", verdict.Line);
        Assert.Equal("", RefreshPolicy.RefreshArgument([verdict]));
        // The same findings rebuild when the gate includes MEDIUM.
        Assert.True(RefreshPolicy.Decide(Id, Published("2026-08-22"), [("linux/amd64", PublishFixtures.Read("trivy-report-ubuntu-1804.json"))], ["MEDIUM"], 7, Now).Rebuild);
    }

    [Fact]
    public void An_image_older_than_the_maximum_age_is_rebuilt_with_no_finding_at_all()
    {
        var verdict = Decide("2026-08-10", 7, ("linux/amd64", Clean));
        Assert.True(verdict.Rebuild);
        Assert.Equal("gcc14-clang20: rebuild (13.1 days old, older than the maximum age of 7 days)", verdict.Line);
        Assert.True(Decide("2026-08-23", 0, ("linux/amd64", Clean)).Rebuild); // 0: every image is too old
    }

    [Fact]
    public void Nothing_published_is_nothing_to_refresh_and_an_unreadable_registry_is_an_error()
    {
        var verdict = RefreshPolicy.Decide(Id, new PublishedImage(Reference, null, null), [], ScanGate.DefaultFailOn, 7, Now);
        Assert.False(verdict.Rebuild);
        Assert.Equal($"gcc14-clang20: not published (nothing published at {Reference}: nothing to refresh)", verdict.Line);
        var error = Assert.Throws<InvalidOperationException>(() =>
            RefreshPolicy.Decide(Id, new PublishedImage(Reference, null, null, "connection refused"), [], ScanGate.DefaultFailOn, 7, Now));
        Assert.Contains("packages: read", error.Message);
    }

    [Fact]
    public void A_report_that_is_not_trivys_json_is_an_error_never_a_keep()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Decide("2026-08-22", 7, ("linux/amd64", """{"runs":[]}""")));
        Assert.Contains("gcc14-clang20 linux/amd64", error.Message);
    }

    [Fact]
    public void The_summary_says_what_was_decided_with_the_age_and_lists_the_fixable_and_the_unfixable_findings()
    {
        var rebuild = Decide("2026-08-22", 7, ("linux/amd64", PublishFixtures.Read("trivy-report-ubi-7-comprehensive.json")));
        var keep = RefreshPolicy.Decide("gcc15-clang20", Published("2026-08-21"), [("linux/amd64", Clean)], ScanGate.DefaultFailOn, 7, Now);
        var summary = RefreshPolicy.Summary([rebuild, keep], 7);
        Assert.Contains("| gcc14-clang20 | `sha256:dddddddddddd…` | 2026-08-22 | 1.1 days | 1 | 1 | **rebuild** |", summary);
        Assert.Contains("| gcc15-clang20 | `sha256:dddddddddddd…` | 2026-08-21 | 2.1 days | 0 | 0 | keep |", summary);
        Assert.Contains("| gcc14-clang20 | linux/amd64 | CVE-2022-40897 | HIGH | setuptools | 0.9.8 | 65.5.1 | fixed |", summary);
        Assert.Contains("Unfixable findings", summary);
        Assert.Contains("| gcc14-clang20 | linux/amd64 | CVE-2019-18276 | LOW | bash | 4.2.46-33.el7 | — | will_not_fix |", summary);
    }

    [Fact]
    public void The_decisions_file_names_what_to_rebuild_and_every_finding_that_decided_it()
    {
        var rebuild = Decide("2026-08-22", 7, ("linux/arm64", PublishFixtures.Read("trivy-report-ubi-7-comprehensive.json")));
        var keep = RefreshPolicy.Decide("gcc15-clang20", Published("2026-08-21"), [("linux/amd64", Clean)], ScanGate.DefaultFailOn, 7, Now);
        var json = System.Text.Json.Nodes.JsonNode.Parse(RefreshPolicy.Json([rebuild, keep], ScanGate.DefaultFailOn, 7, Now))!;
        Assert.Equal("2026-08-23T03:17:00Z", (string?)json["decidedAt"]);
        Assert.Equal(["gcc14-clang20"], json["rebuild"]!.AsArray().Select(n => (string)n!));
        var first = json["permutations"]![0]!;
        Assert.Equal(("rebuild", "2026-08-22", 1.14), ((string)first["decision"]!, (string)first["packagesSnapshot"]!, (double)first["ageDays"]!));
        Assert.Equal(("linux/arm64", "CVE-2022-40897", "65.5.1"), ((string)first["fixable"]![0]!["platform"]!, (string)first["fixable"]![0]!["vulnerability"]!,
            (string)first["fixable"]![0]!["fixedIn"]!));
        Assert.Equal("will_not_fix", (string?)first["unfixable"]![0]!["status"]);
        Assert.Equal("keep", (string?)json["permutations"]![1]!["decision"]);
    }

    [Fact]
    public void A_long_list_of_findings_is_cut_and_points_at_the_reports()
    {
        var many = Enumerable.Range(0, RefreshPolicy.MaxRows + 5).Select(i => new PlatformFinding("linux/amd64",
            new ScanFinding($"CVE-2026-{i:0000}", "LOW", "pkg", "1", null, "t", "affected"))).ToList();
        var verdict = new RefreshVerdict(Id, Reference, Digest, null, TimeSpan.FromDays(1), false, ["keep"], [], many);
        var summary = RefreshPolicy.Summary([verdict], 7);
        Assert.Contains("CVE-2026-0099", summary);
        Assert.DoesNotContain("CVE-2026-0100", summary);
        Assert.Contains("… and 5 more: every finding is in the reports under artifacts/refresh/.", summary);
    }
}
