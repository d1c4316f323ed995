using Pipeline.Host;
using Pipeline.Host.Tooling;
using Serilog;

partial class Build
{
    [Parameter("Severities that fail the scan gate; the gate parses Trivy's JSON report")]
    readonly string[] FailOnSeverity = ["CRITICAL", "HIGH"];

    AbsolutePath TrivyConfigFile => RootDirectory / "trivy.yaml";
    AbsolutePath TrivyIgnoreFile => RootDirectory / ".trivyignore.yaml";
    AbsolutePath ManifestFile => ArtifactsDirectory / "manifest.json";
    AbsolutePath ScanReportFile(Permutation p) => ArtifactsDirectory / "scan" / $"{p.Id}.json";
    AbsolutePath SbomFile(Permutation p) => ArtifactsDirectory / "sbom" / $"{p.Id}.cdx.json";
    AbsolutePath ScanReportFile(Permutation p, string platform) => ArtifactsDirectory / "scan" / $"{p.Id}.{PlatformScanReports.FileSuffix(platform)}.json";
    AbsolutePath SbomFile(Permutation p, string platform) => ArtifactsDirectory / "sbom" / $"{p.Id}.{PlatformScanReports.FileSuffix(platform)}.cdx.json";
    AbsolutePath ProvenanceFile(Permutation p) => ArtifactsDirectory / "provenance" / $"{p.Id}.slsa.json";
    AbsolutePath ArchiveFile(Permutation p) => ImagesDirectory / $"{p.Id}.tar";

    Target Scan => _ => _
        .Description("Scan every platform of each OCI archive with Trivy and gate on the configured severities")
        .DependsOn(Bake)
        .Produces(ArtifactsDirectory / "scan" / "*.json", ArtifactsDirectory / "summary.md")
        .Executes(async () =>
        {
            var trivy = Trivy.Locate();
            var results = new List<ScanResult>();
            var permutations = new List<ScanResult>(); // one per permutation, over all its platforms
            foreach (var p in SelectedPermutations)
            {
                if (UsesPublishedEvidence(p))
                {
                    var reused = CheckedScan(p, null, await RunTrivySbomAsync(trivy, p), ScanReportFile(p));
                    results.Add(reused);
                    permutations.Add(reused);
                    continue;
                }
                // Every platform is scanned on its own; the permutation's report (the manifest's) merges them.
                if (ScanReportFile(p).FileExists()) File.Delete(ScanReportFile(p));
                var archive = OciArchive.Read(ArchiveFile(p)); // a missing, empty or truncated archive fails here with one line, never scans "clean"
                var reports = new List<(string Platform, string ReportJson)>();
                foreach (var platform in archive.Platforms.Select(x => x.Platform))
                {
                    var report = ScanReportFile(p, platform);
                    results.Add(CheckedScan(p, platform, await RunTrivyAsync(trivy, p, archive, platform, "json", report), report));
                    reports.Add((platform, File.ReadAllText(report)));
                }
                var merged = PlatformScanReports.Merge(p.Id, reports);
                File.WriteAllText(ScanReportFile(p), merged);
                permutations.Add(ScanGate.Evaluate(p.Id, merged, FailOnSeverity));
            }
            var table = ScanGate.SummaryTable(results);
            Log.Information("Scan summary:\n{Table:l}", table);
            WriteStepSummary("## Vulnerability scan (Trivy)\n\n" + table);
            ReportSummary(s => { foreach (var r in permutations) s[r.PermutationId] = $"{r.Verdict} ({r.Counts.Critical}C/{r.Counts.High}H/{r.Counts.Medium}M)"; return s; });
            var failed = results.Where(r => !r.Passed).ToList();
            if (failed.Count > 0) throw new InvalidOperationException(string.Join(" | ", failed.Select(r => r.FailureMessage())));
        });

    Target Sbom => _ => _
        .Description("Write a CycloneDX SBOM per platform of each permutation and gate on missing, empty or invalid SBOMs")
        .DependsOn(Bake)
        .Produces(ArtifactsDirectory / "sbom" / "*.cdx.json")
        .Executes(async () =>
        {
            var trivy = Trivy.Locate();
            var problems = new List<string>();
            foreach (var p in SelectedPermutations)
            {
                // A reused image's SBOM is the one attested at publish time (Bake read it back, verified); it is gated as well.
                if (UsesPublishedEvidence(p))
                {
                    Log.Information("SBOM of {Id}: the verified attestation of its published image ({File})", p.Id, SbomFile(p));
                    if (SbomGate.Problem(p.Id, SbomFile(p)) is { } reused) problems.Add(reused);
                    continue;
                }
                if (SbomFile(p).FileExists()) File.Delete(SbomFile(p));
                var archive = OciArchive.Read(ArchiveFile(p));
                foreach (var platform in archive.Platforms.Select(x => x.Platform))
                {
                    if (await RunTrivyAsync(trivy, p, archive, platform, "cyclonedx", SbomFile(p, platform)) != 0)
                        throw new InvalidOperationException($"Trivy exited non-zero writing the SBOM of {p.Id} {platform}; see the log above.");
                    if (SbomGate.Problem($"{p.Id} {platform}", SbomFile(p, platform)) is { } problem) problems.Add(problem);
                }
                // The SBOM attested on the index (and read back when inputs are unchanged) is the first platform's; every platform's is an artifact.
                File.Copy(SbomFile(p, archive.Platforms[0].Platform), SbomFile(p), overwrite: true);
            }
            if (problems.Count > 0) throw new InvalidOperationException(string.Join(" | ", problems));
        });

    Target Manifest => _ => _
        .Description("Write artifacts/manifest.json: every permutation's archive, digests, tags, SBOM and scan verdict")
        .DependsOn(Bake, Validate, Scan, Sbom)
        .Produces(ManifestFile, ArtifactsDirectory / "provenance" / "*.slsa.json")
        .Executes(async () =>
        {
            var plan = await PrepareBakeAsync();
            var run = RunIdentity.Detect(Environment.GetEnvironmentVariable, DateTimeOffset.UtcNow, Guid.NewGuid);
            var entries = new List<ManifestPermutation>();
            foreach (var p in plan.Permutations)
            {
                var evidence = UsesPublishedEvidence(p.Permutation);
                var files = new ManifestFiles(ArtifactsDirectory, evidence ? null : p.Archive, ScanReportFile(p.Permutation), SbomFile(p.Permutation), ProvenanceFile(p.Permutation));
                var scan = ScanGate.Evaluate(p.Id, File.ReadAllText(files.ScanReport), FailOnSeverity);
                if (SbomGate.Problem(p.Id, files.Sbom) is { } problem) throw new InvalidOperationException(problem);
                var provenance = new ProvenanceInputs(p.Id, plan.Context.SourceUrl, plan.Context.Ref, plan.Context.Sha, BakeFile, OciArchive.Sha256Digest(BakeFilePath),
                    OciArchive.Sha256Digest(BakeOverrideFile), p.Platforms, p.BaseImage, plan.Context.EventName, run, p.Images.External);
                Directory.CreateDirectory(Path.GetDirectoryName(files.Provenance)!);
                File.WriteAllText(files.Provenance, Provenance.PredicateJson(provenance));
                entries.Add(ManifestEntry.Create(p.Id, plan.ImageRepository, files,
                    evidence ? PublishedEvidence.DescribeIndex(File.ReadAllBytes(PublishedIndexFile(p.Permutation)), PublishedIndexFile(p.Permutation)) : OciArchive.Read(p.Archive), p.Tags, p.BaseImage, scan,
                    ScanConfigDigest()) with { InputDigest = p.Labels.GetValueOrDefault(InputDigest.LabelKey) });
            }
            var manifest = new ReleaseManifest(ReleaseManifest.CurrentSchemaVersion, plan.Context.Sha, plan.Context.Ref, plan.Context.EventName, DateTimeOffset.UtcNow, entries);
            ManifestStore.Write(ManifestFile, manifest, Permutation.All.Select(p => p.Id));
            Log.Information("Wrote {Manifest}:\n{Table:l}", ManifestFile, ManifestEntry.Describe(manifest));
            ReportSummary(s => { foreach (var e in entries) s[e.Id] = e.Digest; return s; });
        });

    /// <summary>Gates one report; a non-zero Trivy exit with a passing report means the scanner itself is unhappy.</summary>
    ScanResult CheckedScan(Permutation permutation, string? platform, int exitCode, AbsolutePath report)
    {
        var result = ScanGate.Evaluate(permutation.Id, File.ReadAllText(report), FailOnSeverity, platform);
        if (exitCode != 0 && result.Passed)
            throw new InvalidOperationException($"Trivy exited {exitCode} on {result.Subject} although its report has no {string.Join("/", result.FailOn)} findings; see the log above (trivy.yaml keeps exit-code 0).");
        if (result.TrivyVersion != Trivy.PinnedVersion)
            Log.Warning("Trivy reported version {Actual} but this build pins {Pinned}; the manifest records {Actual}", result.TrivyVersion, Trivy.PinnedVersion, result.TrivyVersion);
        return result;
    }

    /// <summary>
    /// Runs Trivy on one platform's image, extracted into a layout of its own (Trivy reads only an archive's first
    /// image and ignores --platform for archives); returns its exit code. A missing output is an error whatever the exit code.
    /// </summary>
    async Task<int> RunTrivyAsync(ToolLocation trivy, Permutation permutation, OciArchiveInfo archive, string platform, string format, AbsolutePath output)
    {
        if (output.FileExists()) File.Delete(output); // a stale report must never pass for this run's
        if (!TrivyConfigFile.FileExists())
            throw new InvalidOperationException($"{TrivyConfigFile} is missing; restore the committed trivy.yaml.");
        output.Parent.CreateDirectory();
        // One layout per call: Scan and Sbom, and other runs in this checkout, may run side by side; each deletes its own.
        var input = TemporaryDirectory / "trivy-input" / $"{permutation.Id}.{PlatformScanReports.FileSuffix(platform)}.{format}.{Path.GetRandomFileName().Replace(".", "")}.tar";
        try
        {
            PlatformLayout.Extract(ArchiveFile(permutation), archive, platform, input);
            var scan = new TrivyImageScan(input, TrivyConfigFile, format, output, platform, TemporaryDirectory / "trivy-cache");
            var command = trivy.Command(Trivy.ImageArguments(scan), Trivy.HostPaths(scan), RootDirectory);
            var result = await ToolRunner.RunAsync(command.Executable, command.Arguments, RootDirectory, command.Environment);
            if (!output.FileExists())
                throw new InvalidOperationException($"Trivy wrote no {format} output for {permutation.Id} {platform} (exit {result.ExitCode}): {ToolOutput.LastLine(result.StandardError)}; see the log above.");
            return result.ExitCode;
        }
        finally
        {
            if (File.Exists(input)) File.Delete(input);
        }
    }

    /// <summary>Scans a reused image's attested SBOM with today's vulnerability data (`trivy sbom`): no image bytes needed.</summary>
    async Task<int> RunTrivySbomAsync(ToolLocation trivy, Permutation permutation)
    {
        var output = ScanReportFile(permutation);
        if (output.FileExists()) File.Delete(output);
        if (SbomGate.Problem(permutation.Id, SbomFile(permutation)) is { } problem) throw new InvalidOperationException(problem);
        output.Parent.CreateDirectory();
        var scan = new TrivySbomScan(SbomFile(permutation), TrivyConfigFile, output, TemporaryDirectory / "trivy-cache");
        var command = trivy.Command(Trivy.SbomArguments(scan), Trivy.HostPaths(scan), RootDirectory);
        var result = await ToolRunner.RunAsync(command.Executable, command.Arguments, RootDirectory, command.Environment);
        if (!output.FileExists())
            throw new InvalidOperationException($"Trivy wrote no report for the SBOM of {permutation.Id} (exit {result.ExitCode}): {ToolOutput.LastLine(result.StandardError)}; see the log above.");
        return result.ExitCode;
    }

    /// <summary>The digest of the scan policy: trivy.yaml and its ignore file, so a changed policy shows in the manifest.</summary>
    string ScanConfigDigest()
    {
        var bytes = File.ReadAllBytes(TrivyConfigFile).Concat(new byte[] { 0 })
            .Concat(TrivyIgnoreFile.FileExists() ? File.ReadAllBytes(TrivyIgnoreFile) : []).ToArray();
        return OciArchive.Sha256Digest(bytes);
    }

    /// <summary>GITHUB_STEP_SUMMARY in Actions; artifacts/summary.md locally.</summary>
    void WriteStepSummary(string markdown)
    {
        var target = Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary ? summary : (string)(ArtifactsDirectory / "summary.md");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.AppendAllText(target, markdown + "\n");
    }
}
