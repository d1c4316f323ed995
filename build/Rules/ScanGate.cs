using System.Text;
using System.Text.Json;

namespace Pipeline.Rules;

/// <param name="Status">Trivy's status (fixed, affected, will_not_fix, ...); null in reports that predate it.</param>
public sealed record ScanFinding(string VulnerabilityId, string Severity, string PackageName, string InstalledVersion, string? FixedVersion, string Target,
    string? Status = null)
{
    /// <summary>A fixed package version exists: Trivy's status "fixed" (what --ignore-unfixed keeps), or a FixedVersion in a report without statuses.</summary>
    public bool Fixable => Status is { } status ? status == "fixed" : !string.IsNullOrEmpty(FixedVersion);

    public string Describe() => $"{VulnerabilityId} ({Severity}, {PackageName} {InstalledVersion}{(Fixable ? " → " + FixedVersion : "")})";
}

/// <summary>What one Trivy JSON report (of a permutation, or of one platform's image of it) says, and whether it passes the gate.</summary>
public sealed record ScanResult(string PermutationId, string TrivyVersion, SeverityCounts Counts, IReadOnlyList<ScanFinding> Blocking, IReadOnlyList<string> FailOn,
    string? Platform = null)
{
    public bool Passed => Blocking.Count == 0;
    public string Verdict => Passed ? ScanSummary.Pass : ScanSummary.Fail;

    /// <summary>The permutation and, for one platform's report, the platform: "gcc14-clang20 linux/arm64".</summary>
    public string Subject => Platform is null ? PermutationId : $"{PermutationId} {Platform}";

    /// <summary>One line naming the permutation (and platform) and its blocking findings (the first few, then a count).</summary>
    public string FailureMessage()
    {
        const int shown = 5;
        var list = string.Join(", ", Blocking.Take(shown).Select(f => $"{f.VulnerabilityId} ({f.Severity}, {f.PackageName} {f.InstalledVersion})"));
        var more = Blocking.Count > shown ? $" and {Blocking.Count - shown} more" : "";
        return $"Scan gate failed for {Subject}: {Blocking.Count} finding(s) at {string.Join("/", FailOn)}: {list}{more}; " +
               "fix the image (update the base or packages) or, after review, add an expiring entry to .trivyignore.yaml.";
    }
}

/// <summary>
/// The scan gate: parses a Trivy JSON report (SchemaVersion 2) and fails on the configured severities by reading
/// the findings, never trusting only Trivy's exit code. A report without `Results` or without `Vulnerabilities` is clean.
/// </summary>
public static class ScanGate
{
    public static readonly IReadOnlyList<string> DefaultFailOn = ["CRITICAL", "HIGH"];

    public static ScanResult Evaluate(string permutationId, string reportJson, IReadOnlyList<string> failOn, string? platform = null)
    {
        var subject = platform is null ? permutationId : $"{permutationId} {platform}";
        // An empty list would pass every report: refused here too, not only up front.
        if (Preflight.Severities(failOn).FirstOrDefault() is { } problem) throw new ArgumentException(problem);
        var failSet = failOn.Select(s => s.ToUpperInvariant()).ToHashSet();
        var (version, findings) = Read(subject, reportJson);
        int Count(string severity) => findings.Count(f => f.Severity == severity);
        var summary = new SeverityCounts(Count("CRITICAL"), Count("HIGH"), Count("MEDIUM"), Count("LOW"), Count("UNKNOWN"));
        var blocking = findings.Where(f => failSet.Contains(f.Severity)).ToList();
        return new ScanResult(permutationId, version, summary, blocking, SeverityCounts.Severities.Where(failSet.Contains).ToList(), platform);
    }

    /// <summary>
    /// Every vulnerability a Trivy JSON report (SchemaVersion 2) lists, by severity (most severe first), id and package,
    /// and the Trivy version that wrote it; a report that is not one is an error naming <paramref name="subject"/>.
    /// </summary>
    public static (string TrivyVersion, IReadOnlyList<ScanFinding> Findings) Read(string subject, string reportJson)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(reportJson); }
        catch (JsonException e) { throw new InvalidOperationException($"Trivy report for {subject} is not JSON ({e.Message}); re-run Scan."); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("SchemaVersion", out var schemaVersion) || schemaVersion.GetInt32() != 2)
                throw new InvalidOperationException($"Trivy report for {subject} is not a Trivy JSON report with SchemaVersion 2; re-run Scan with --format json.");
            var version = root.TryGetProperty("Trivy", out var trivy) && trivy.TryGetProperty("Version", out var v) ? v.GetString() ?? "unknown" : "unknown";
            var findings = new List<ScanFinding>();
            if (root.TryGetProperty("Results", out var results) && results.ValueKind == JsonValueKind.Array)
                foreach (var result in results.EnumerateArray())
                {
                    if (!result.TryGetProperty("Vulnerabilities", out var vulnerabilities) || vulnerabilities.ValueKind != JsonValueKind.Array) continue;
                    var target = result.TryGetProperty("Target", out var t) ? t.GetString() ?? "" : "";
                    foreach (var vulnerability in vulnerabilities.EnumerateArray())
                    {
                        var severity = (Str(vulnerability, "Severity") ?? "UNKNOWN").ToUpperInvariant();
                        if (!SeverityCounts.Severities.Contains(severity)) severity = "UNKNOWN";
                        findings.Add(new ScanFinding(Str(vulnerability, "VulnerabilityID") ?? "?", severity, Str(vulnerability, "PkgName") ?? "?",
                            Str(vulnerability, "InstalledVersion") ?? "?", Str(vulnerability, "FixedVersion"), target, Str(vulnerability, "Status")));
                    }
                }
            var ordered = findings.OrderBy(f => SeverityRank(f.Severity)).ThenBy(f => f.VulnerabilityId, StringComparer.Ordinal).ThenBy(f => f.PackageName, StringComparer.Ordinal).ToList();
            return (version, ordered);
        }
    }

    /// <summary>The summary as a Markdown table, one row per report (permutation, or permutation and platform) (log, GITHUB_STEP_SUMMARY, artifacts/summary.md).</summary>
    public static string SummaryTable(IEnumerable<ScanResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| Permutation | CRITICAL | HIGH | MEDIUM | LOW | UNKNOWN | Fails on | Verdict |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---|---|");
        foreach (var r in results)
            text.AppendLine($"| {r.Subject} | {r.Counts.Critical} | {r.Counts.High} | {r.Counts.Medium} | {r.Counts.Low} | {r.Counts.Unknown} | {string.Join(",", r.FailOn)} | {(r.Passed ? "pass" : "**FAIL**")} |");
        return text.ToString();
    }

    static int SeverityRank(string severity) => SeverityCounts.Severities.ToList().IndexOf(severity);

    static string? Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
