using Pipeline.Host;
using Pipeline.Host.Tooling;
using Serilog;

/// <summary>
/// Scan and Sbom: Trivy over every platform of each image, read by digest in its registry (or from its archive with
/// --image-output archive); a reused image with its attestations kept: each platform's attested SBOM. Each gated.
/// </summary>
partial class Build
{
    [Parameter("Severities that fail the scan gate; the gate parses Trivy's JSON report")]
    readonly string[] FailOnSeverity = ["CRITICAL", "HIGH"];

    AbsolutePath TrivyConfigFile => RootDirectory / "trivy.yaml";
    AbsolutePath TrivyIgnoreFile => RootDirectory / ".trivyignore.yaml";

    Target Scan => _ => _
        .Description("Scan every platform of each image with Trivy (by digest in its registry, or its archive) and gate on the configured severities")
        .DependsOn(Bake)
        .Reads(() => Artifacts, () => Permutations, () => FailOnSeverity)
        .Consumes(ImageProducers, BuiltImages)
        .Produces(Layout.AllScanReports, Layout.Summary)
        .Executes(async () =>
        {
            var scans = new List<PermutationScan>();
            foreach (var p in SelectedPermutations)
            {
                if (Layout.ScanReport(p).FileExists()) File.Delete(Layout.ScanReport(p)); // a stale report must never pass for this run's
                scans.Add(await ScanPlatformsAsync(p, ImageOf(p)));
            }
            var results = scans.SelectMany(s => s.Platforms).ToList();
            var table = ScanGate.SummaryTable(results);
            Log.Information("Scan summary:\n{Table:l}", table);
            WriteStepSummary("## Vulnerability scan (Trivy)\n\n" + table);
            foreach (var r in scans.Select(s => s.Merged)) AddSummary(r.PermutationId, $"{r.Verdict} ({r.Counts.Critical}C/{r.Counts.High}H/{r.Counts.Medium}M)");
            var failed = results.Where(r => !r.Passed).ToList();
            if (failed.Count > 0) throw new InvalidOperationException(string.Join(" | ", failed.Select(r => r.FailureMessage())));
        });

    Target Sbom => _ => _
        .Description("Write a CycloneDX SBOM per platform of each permutation (each is attested on its platform's manifest) and gate on missing, empty, invalid or oversized SBOMs")
        .DependsOn(Bake)
        .Reads(() => Artifacts, () => Permutations)
        .Consumes(ImageProducers, BuiltImages)
        .Produces(Layout.AllSboms)
        .Executes(async () =>
        {
            var problems = new List<string>();
            foreach (var p in SelectedPermutations)
            {
                var image = ImageOf(p);
                problems.AddRange(image.KeptEvidence ? AttestedSbomProblems(p, image) : await WritePlatformSbomsAsync(p, image));
            }
            if (problems.Count > 0) throw new InvalidOperationException(string.Join(" | ", problems));
        });

    TrivyScanner? _scanner;
    TrivyScanner Scanner => _scanner ??= new(Trivy.Locate(), TrivyConfigFile, TemporaryDirectory, RootDirectory);

    /// <summary>One permutation's scan: each platform's gated result, and the merged report's (the manifest's).</summary>
    sealed record PermutationScan(IReadOnlyList<ScanResult> Platforms, ScanResult Merged);

    /// <summary>
    /// Every platform is scanned on its own — in its registry by digest, from its archive, or (a reused image with its
    /// attestations kept) its attested SBOM with today's vulnerability data; the permutation's report (the manifest's) merges them.
    /// </summary>
    async Task<PermutationScan> ScanPlatformsAsync(Permutation p, ImageSource image)
    {
        var results = new List<ScanResult>();
        var reports = new List<(string Platform, string ReportJson)>();
        foreach (var platform in image.Info.Platforms.Select(x => x.Platform))
        {
            var report = Layout.ScanReport(p, platform);
            results.Add(CheckedScan(p, platform, await ScanPlatformAsync(p, image, platform, report), report));
            reports.Add((platform, File.ReadAllText(report)));
        }
        var merged = PlatformScanReports.Merge(p.Id, reports);
        File.WriteAllText(Layout.ScanReport(p), merged);
        return new(results, ScanGate.Evaluate(p.Id, merged, FailOnSeverity));
    }

    Task<int> ScanPlatformAsync(Permutation p, ImageSource image, string platform, AbsolutePath report)
    {
        if (image.KeptEvidence)
        {
            if (SbomGate.Problem($"{p.Id} {platform}", Layout.Sbom(p, platform)) is { } problem) throw new InvalidOperationException(problem);
            return Scanner.SbomAsync($"{p.Id} {platform}", Layout.Sbom(p, platform), report);
        }
        return image.Archive is { } archive
            ? Scanner.ImageAsync(p.Id, archive, image.Info, platform, "json", report)
            : Scanner.RegistryImageAsync(p.Id, image.Pushed!.Reference, platform, "json", report);
    }

    /// <summary>Each platform's SBOM, gated; the permutation's is the first platform's (each platform's own is attested on its manifest).</summary>
    async Task<IReadOnlyList<string>> WritePlatformSbomsAsync(Permutation p, ImageSource image)
    {
        if (Layout.Sbom(p).FileExists()) File.Delete(Layout.Sbom(p));
        var problems = new List<string>();
        foreach (var platform in image.Info.Platforms.Select(x => x.Platform))
        {
            var sbom = Layout.Sbom(p, platform);
            var exit = image.Archive is { } archive
                ? await Scanner.ImageAsync(p.Id, archive, image.Info, platform, "cyclonedx", sbom)
                : await Scanner.RegistryImageAsync(p.Id, image.Pushed!.Reference, platform, "cyclonedx", sbom);
            if (exit != 0) throw new InvalidOperationException($"Trivy exited non-zero writing the SBOM of {p.Id} {platform}; {ToolOutputPolicy.WhereFailedOutputIs()}.");
            if (SbomGate.Problem($"{p.Id} {platform}", sbom) is { } problem) problems.Add(problem);
        }
        File.Copy(Layout.Sbom(p, image.Info.Platforms[0].Platform), Layout.Sbom(p), overwrite: true);
        return problems;
    }

    /// <summary>A reused image's SBOMs are the ones attested at publish time, one per platform; they are gated as well.</summary>
    IReadOnlyList<string> AttestedSbomProblems(Permutation p, ImageSource image)
    {
        Log.Information("SBOMs of {Id}: the verified attestations of its published image, one per platform ({File} and beside it)", p.Id, Layout.Sbom(p));
        return image.Info.Platforms.Select(x => SbomGate.Problem($"{p.Id} {x.Platform}", Layout.Sbom(p, x.Platform))).OfType<string>().ToList();
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
