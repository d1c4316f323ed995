using Pipeline.Host;
using Pipeline.Host.Tooling;
using Serilog;

/// <summary>Scan and Sbom: Trivy over every platform of each archive (a reused image: its attested SBOM), each gated.</summary>
partial class Build
{
    [Parameter("Severities that fail the scan gate; the gate parses Trivy's JSON report")]
    readonly string[] FailOnSeverity = ["CRITICAL", "HIGH"];

    AbsolutePath TrivyConfigFile => RootDirectory / "trivy.yaml";
    AbsolutePath TrivyIgnoreFile => RootDirectory / ".trivyignore.yaml";

    Target Scan => _ => _
        .Description("Scan every platform of each OCI archive with Trivy and gate on the configured severities")
        .DependsOn(Bake)
        .Reads(() => Artifacts, () => Permutations, () => FailOnSeverity)
        .Produces(ArtifactsDirectory / "scan" / "*.json", ArtifactsDirectory / "summary.md")
        .Executes(async () =>
        {
            var scans = new List<PermutationScan>();
            foreach (var p in SelectedPermutations) scans.Add(UsesPublishedEvidence(p) ? await ScanAttestedSbomAsync(p) : await ScanPlatformsAsync(p));
            var results = scans.SelectMany(s => s.Platforms).ToList();
            var table = ScanGate.SummaryTable(results);
            Log.Information("Scan summary:\n{Table:l}", table);
            WriteStepSummary("## Vulnerability scan (Trivy)\n\n" + table);
            foreach (var r in scans.Select(s => s.Merged)) AddSummary(r.PermutationId, $"{r.Verdict} ({r.Counts.Critical}C/{r.Counts.High}H/{r.Counts.Medium}M)");
            var failed = results.Where(r => !r.Passed).ToList();
            if (failed.Count > 0) throw new InvalidOperationException(string.Join(" | ", failed.Select(r => r.FailureMessage())));
        });

    Target Sbom => _ => _
        .Description("Write a CycloneDX SBOM per platform of each permutation and gate on missing, empty or invalid SBOMs")
        .DependsOn(Bake)
        .Reads(() => Artifacts, () => Permutations)
        .Produces(ArtifactsDirectory / "sbom" / "*.cdx.json")
        .Executes(async () =>
        {
            var problems = new List<string>();
            foreach (var p in SelectedPermutations) problems.AddRange(UsesPublishedEvidence(p) ? AttestedSbomProblems(p) : await WritePlatformSbomsAsync(p));
            if (problems.Count > 0) throw new InvalidOperationException(string.Join(" | ", problems));
        });

    TrivyScanner? _scanner;
    TrivyScanner Scanner => _scanner ??= new(Trivy.Locate(), TrivyConfigFile, TemporaryDirectory, RootDirectory);

    /// <summary>One permutation's scan: each platform's gated result, and the merged report's (the manifest's).</summary>
    sealed record PermutationScan(IReadOnlyList<ScanResult> Platforms, ScanResult Merged);

    /// <summary>Every platform is scanned on its own; the permutation's report (the manifest's) merges them.</summary>
    async Task<PermutationScan> ScanPlatformsAsync(Permutation p)
    {
        if (Layout.ScanReport(p).FileExists()) File.Delete(Layout.ScanReport(p));
        var archive = OciArchive.Read(Layout.Archive(p)); // a missing, empty or truncated archive fails here with one line, never scans "clean"
        var results = new List<ScanResult>();
        var reports = new List<(string Platform, string ReportJson)>();
        foreach (var platform in archive.Platforms.Select(x => x.Platform))
        {
            var report = Layout.ScanReport(p, platform);
            results.Add(CheckedScan(p, platform, await Scanner.ImageAsync(p.Id, Layout.Archive(p), archive, platform, "json", report), report));
            reports.Add((platform, File.ReadAllText(report)));
        }
        var merged = PlatformScanReports.Merge(p.Id, reports);
        File.WriteAllText(Layout.ScanReport(p), merged);
        return new(results, ScanGate.Evaluate(p.Id, merged, FailOnSeverity));
    }

    /// <summary>A reused image: its attested SBOM (Bake read it back, verified) scanned with today's vulnerability data.</summary>
    async Task<PermutationScan> ScanAttestedSbomAsync(Permutation p)
    {
        if (Layout.ScanReport(p).FileExists()) File.Delete(Layout.ScanReport(p)); // a stale report must never pass for this run's
        if (SbomGate.Problem(p.Id, Layout.Sbom(p)) is { } problem) throw new InvalidOperationException(problem);
        var reused = CheckedScan(p, null, await Scanner.SbomAsync(p.Id, Layout.Sbom(p), Layout.ScanReport(p)), Layout.ScanReport(p));
        return new([reused], reused);
    }

    /// <summary>Each platform's SBOM, gated; the permutation's (attested on the index, read back on reuse) is the first platform's.</summary>
    async Task<IReadOnlyList<string>> WritePlatformSbomsAsync(Permutation p)
    {
        if (Layout.Sbom(p).FileExists()) File.Delete(Layout.Sbom(p));
        var archive = OciArchive.Read(Layout.Archive(p));
        var problems = new List<string>();
        foreach (var platform in archive.Platforms.Select(x => x.Platform))
        {
            if (await Scanner.ImageAsync(p.Id, Layout.Archive(p), archive, platform, "cyclonedx", Layout.Sbom(p, platform)) != 0)
                throw new InvalidOperationException($"Trivy exited non-zero writing the SBOM of {p.Id} {platform}; {ToolOutputPolicy.WhereFailedOutputIs()}.");
            if (SbomGate.Problem($"{p.Id} {platform}", Layout.Sbom(p, platform)) is { } problem) problems.Add(problem);
        }
        File.Copy(Layout.Sbom(p, archive.Platforms[0].Platform), Layout.Sbom(p), overwrite: true);
        return problems;
    }

    /// <summary>A reused image's SBOM is the one attested at publish time; it is gated as well.</summary>
    IReadOnlyList<string> AttestedSbomProblems(Permutation p)
    {
        Log.Information("SBOM of {Id}: the verified attestation of its published image ({File})", p.Id, Layout.Sbom(p));
        return SbomGate.Problem(p.Id, Layout.Sbom(p)) is { } problem ? [problem] : [];
    }

    /// <summary>Gates one report; a non-zero Trivy exit with a passing report means the scanner itself is unhappy.</summary>
    ScanResult CheckedScan(Permutation permutation, string? platform, int exitCode, AbsolutePath report)
    {
        var result = ScanGate.Evaluate(permutation.Id, File.ReadAllText(report), FailOnSeverity, platform);
        if (exitCode != 0 && result.Passed)
            throw new InvalidOperationException($"Trivy exited {exitCode} on {result.Subject} although its report has no {string.Join("/", result.FailOn)} findings; {ToolOutputPolicy.WhereFailedOutputIs()} (trivy.yaml keeps exit-code 0).");
        if (result.TrivyVersion != Trivy.PinnedVersion)
            Log.Warning("Trivy reported version {Actual} but this build pins {Pinned}; the manifest records {Actual}", result.TrivyVersion, Trivy.PinnedVersion, result.TrivyVersion);
        return result;
    }
}
