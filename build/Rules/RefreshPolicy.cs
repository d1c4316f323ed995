using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Rules;

/// <summary>One finding of a re-scan, with the platform whose image has it.</summary>
public sealed record PlatformFinding(string Platform, ScanFinding Finding);

/// <summary>What the Refresh target decided for one permutation's published image.</summary>
/// <param name="Digest">The published index digest (null: nothing published at <paramref name="Reference"/>).</param>
public sealed record RefreshVerdict(string PermutationId, string Reference, string? Digest, PackageSnapshot? Snapshot, TimeSpan? Age,
    bool Rebuild, IReadOnlyList<string> Reasons, IReadOnlyList<PlatformFinding> Fixable, IReadOnlyList<PlatformFinding> Unfixable)
{
    /// <summary>The decision in one line: the log's, e.g. <c>gcc14-clang20: rebuild (1 fixable finding at CRITICAL/HIGH: …; 2.0 days old)</c>.</summary>
    public string Line => $"{PermutationId}: {(Digest is null ? "not published" : Rebuild ? "rebuild" : "keep")} ({string.Join("; ", Reasons)})";
}

/// <summary>
/// The freshness decision over a re-scan, pure: a published image is rebuilt (with a new packages snapshot) when today's
/// vulnerability data finds a fixable finding at the gate's severities (--fail-on-severity) on any platform, or when it is
/// older than the maximum age (<see cref="ImageFreshness.IsTooOld"/>); otherwise it is kept. Unfixable findings never
/// trigger a rebuild (no package has the fix yet): they are reported. Nothing published, nothing to refresh.
/// </summary>
public static class RefreshPolicy
{
    public static RefreshVerdict Decide(string permutationId, PublishedImage published, IReadOnlyList<(string Platform, string ReportJson)> reports,
        IReadOnlyList<string> failOn, int maxAgeDays, DateTimeOffset now)
    {
        if (published.Error is { } error)
            throw new InvalidOperationException($"Refresh cannot read {published.Reference}: {error}; check the registry and the job's login (packages: read).");
        if (published.Digest is null || published.IndexJson is null)
            return new(permutationId, published.Reference, null, null, null, false, ["nothing published at " + published.Reference + ": nothing to refresh"], [], []);
        var gate = failOn.Select(s => s.ToUpperInvariant()).ToHashSet();
        var findings = reports.SelectMany(r => ScanGate.Read($"{permutationId} {r.Platform}", r.ReportJson).Findings.Select(f => new PlatformFinding(r.Platform, f))).ToList();
        var fixable = findings.Where(f => f.Finding.Fixable && gate.Contains(f.Finding.Severity)).ToList();
        var unfixable = findings.Where(f => !f.Finding.Fixable).ToList();
        var facts = PublishedFacts.Of(published.IndexJson);
        var age = facts.AgeAt(now);
        var reasons = new List<string>();
        if (fixable.Count > 0)
            reasons.Add($"{fixable.Count} fixable finding(s) at {string.Join("/", SeverityCounts.Severities.Where(gate.Contains))}: " +
                        string.Join(", ", fixable.Select(f => f.Finding.VulnerabilityId).Distinct().Take(5)));
        var tooOld = ImageFreshness.IsTooOld(age, maxAgeDays);
        reasons.Add(tooOld ? $"{ImageFreshness.Describe(age)} old, older than the maximum age of {maxAgeDays} days" : $"{ImageFreshness.Describe(age)} old, within {maxAgeDays} days");
        if (fixable.Count == 0 && !tooOld) reasons.Insert(0, "no fixable finding at the gate's severities");
        if (unfixable.Count > 0) reasons.Add($"{unfixable.Count} unfixable finding(s) reported");
        return new(permutationId, published.Reference, published.Digest, facts.Snapshot, age, fixable.Count > 0 || tooOld, reasons, fixable, unfixable);
    }

    /// <summary>The permutations to rebuild, as --refresh takes them (comma-separated ids; empty: none).</summary>
    public static string RefreshArgument(IEnumerable<RefreshVerdict> verdicts) => string.Join(",", verdicts.Where(v => v.Rebuild).Select(v => v.PermutationId));

    /// <summary>artifacts/refresh/decisions.json: when and with which limits it was decided, what to rebuild, and each verdict with its findings.</summary>
    public static string Json(IReadOnlyList<RefreshVerdict> verdicts, IReadOnlyList<string> failOn, int maxAgeDays, DateTimeOffset decidedAt)
    {
        static JsonArray Findings(IEnumerable<PlatformFinding> findings) => new(findings.Select(f => (JsonNode)new JsonObject
        {
            ["platform"] = f.Platform, ["vulnerability"] = f.Finding.VulnerabilityId, ["severity"] = f.Finding.Severity, ["package"] = f.Finding.PackageName,
            ["installed"] = f.Finding.InstalledVersion, ["fixedIn"] = f.Finding.FixedVersion, ["status"] = f.Finding.Status,
        }).ToArray());
        var root = new JsonObject
        {
            ["decidedAt"] = decidedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["failOn"] = new JsonArray(SeverityCounts.Severities.Where(failOn.Select(s => s.ToUpperInvariant()).Contains).Select(s => (JsonNode)s).ToArray()),
            ["maxImageAgeDays"] = maxAgeDays,
            ["rebuild"] = new JsonArray(verdicts.Where(v => v.Rebuild).Select(v => (JsonNode)v.PermutationId).ToArray()),
            ["permutations"] = new JsonArray(verdicts.Select(v => (JsonNode)new JsonObject
            {
                ["id"] = v.PermutationId, ["reference"] = v.Reference, ["digest"] = v.Digest, ["packagesSnapshot"] = v.Snapshot?.ToString(),
                ["ageDays"] = v.Age is { } age ? Math.Round(age.TotalDays, 2) : null,
                ["decision"] = v.Digest is null ? "not published" : v.Rebuild ? "rebuild" : "keep",
                ["reasons"] = new JsonArray(v.Reasons.Select(r => (JsonNode)r).ToArray()),
                ["fixable"] = Findings(v.Fixable), ["unfixable"] = Findings(v.Unfixable),
            }).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>The job summary: the decision per permutation (with the image age and snapshot), then every finding that decided it or that nobody can fix yet.</summary>
    public static string Summary(IReadOnlyList<RefreshVerdict> verdicts, int maxAgeDays)
    {
        var text = new StringBuilder();
        text.AppendLine($"| Permutation | Published | Packages snapshot | Age (max {maxAgeDays} days) | Fixable at the gate | Unfixable | Decision |");
        text.AppendLine("|---|---|---|---|---:|---:|---|");
        foreach (var v in verdicts)
            text.AppendLine($"| {v.PermutationId} | {(v.Digest is null ? "no" : $"`{v.Digest[..Math.Min(19, v.Digest.Length)]}…`")} | {v.Snapshot?.ToString() ?? "none"} | " +
                            $"{ImageFreshness.Describe(v.Age)} | {v.Fixable.Count} | {v.Unfixable.Count} | {(v.Digest is null ? "nothing to refresh" : v.Rebuild ? "**rebuild**" : "keep")} |");
        var fixable = verdicts.SelectMany(v => v.Fixable.Select(f => (v.PermutationId, f))).ToList();
        if (fixable.Count > 0)
        {
            text.AppendLine().AppendLine("Fixable findings at the gate's severities (a rebuild fetches the fixed packages):").AppendLine();
            text.Append(FindingTable(fixable));
        }
        var unfixable = verdicts.SelectMany(v => v.Unfixable.Select(f => (v.PermutationId, f))).ToList();
        if (unfixable.Count > 0)
        {
            text.AppendLine().AppendLine("Unfixable findings (no fixed package yet; a rebuild cannot remove them: accept them in .trivyignore.yaml after review, or wait for a fix):").AppendLine();
            text.Append(FindingTable(unfixable));
        }
        return text.ToString();
    }

    /// <summary>Rows a finding table shows at most (an old Ubuntu base lists hundreds of unfixed LOWs); the reports hold them all.</summary>
    public const int MaxRows = 100;

    static string FindingTable(IReadOnlyList<(string Id, PlatformFinding Finding)> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| Permutation | Platform | Vulnerability | Severity | Package | Installed | Fixed in | Status |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (id, (platform, f)) in rows.Take(MaxRows))
            text.AppendLine($"| {id} | {platform} | {f.VulnerabilityId} | {f.Severity} | {f.PackageName} | {f.InstalledVersion} | {f.FixedVersion ?? "—"} | {f.Status ?? "—"} |");
        if (rows.Count > MaxRows) text.AppendLine().AppendLine($"… and {rows.Count - MaxRows} more: every finding is in the reports under artifacts/refresh/.");
        return text.ToString();
    }
}
