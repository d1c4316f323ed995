using Pipeline.CI;
using Pipeline.Host;
using Serilog;

/// <summary>
/// Manifest: artifacts/manifest.json, the contract between building and publishing — every permutation's archive (or
/// published index), digests, tags, SBOM, scan verdict and SLSA provenance, each file with its hash.
/// </summary>
partial class Build
{
    AbsolutePath ManifestFile => Layout.Manifest;

    // Reads the registry: its plan asks whether the published image has the same inputs (reuse) and resolves base images.
    [RegistryAccess(RegistryUse.Read)]
    Target Manifest => _ => _
        .Description("Write artifacts/manifest.json: every permutation's archive, digests, tags, SBOM and scan verdict")
        .DependsOn(Bake, Validate, Scan, Sbom)
        .Produces(ManifestFile, ArtifactsDirectory / "provenance" / "*.slsa.json").Produces(BakePlanFiles)
        .Executes(async () =>
        {
            var plan = await PrepareBakeAsync();
            var run = RunIdentity.Detect(Environment.GetEnvironmentVariable, DateTimeOffset.UtcNow, Guid.NewGuid);
            var entries = plan.Permutations.Select(p => ManifestEntryOf(plan, p, run)).ToList();
            var manifest = new ReleaseManifest(ReleaseManifest.CurrentSchemaVersion, plan.Context.Sha, plan.Context.Ref, plan.Context.EventName, DateTimeOffset.UtcNow, entries);
            ManifestStore.Write(ManifestFile, manifest, KnownPermutationIds);
            Log.Information("Wrote {Manifest}:\n{Table:l}", ManifestFile, ManifestEntry.Describe(manifest));
            foreach (var e in entries) AddSummary(e.Id, e.Digest);
        });

    /// <summary>One permutation's entry, its gates checked again on the files it names; writes its provenance first.</summary>
    ManifestPermutation ManifestEntryOf(BakePlan plan, PermutationBake p, RunIdentity run)
    {
        var evidence = UsesPublishedEvidence(p.Permutation);
        var files = new ManifestFiles(ArtifactsDirectory, evidence ? null : p.Archive, Layout.ScanReport(p.Permutation), Layout.Sbom(p.Permutation), Layout.Provenance(p.Permutation));
        var scan = ScanGate.Evaluate(p.Id, File.ReadAllText(files.ScanReport), FailOnSeverity);
        if (SbomGate.Problem(p.Id, files.Sbom) is { } problem) throw new InvalidOperationException(problem);
        var provenance = new ProvenanceInputs(p.Id, plan.Context.SourceUrl, plan.Context.Ref, plan.Context.Sha, BakeFile, ContentDigest.Sha256(BakeFilePath),
            ContentDigest.Sha256(BakeOverrideFile), p.Platforms, p.BaseImage, plan.Context.EventName, run, p.Images.External);
        Directory.CreateDirectory(Path.GetDirectoryName(files.Provenance)!);
        File.WriteAllText(files.Provenance, Provenance.PredicateJson(provenance));
        var image = evidence ? PublishedEvidence.DescribeIndex(File.ReadAllBytes(Layout.PublishedIndex(p.Permutation)), Layout.PublishedIndex(p.Permutation)) : OciArchive.Read(p.Archive);
        return ManifestEntry.Create(p.Id, plan.ImageRepository, files, image, p.Tags, p.BaseImage, scan, ScanConfigDigest())
            with { InputDigest = p.Labels.GetValueOrDefault(InputDigest.LabelKey) };
    }

    /// <summary>The digest of the scan policy: trivy.yaml and its ignore file, so a changed policy shows in the manifest.</summary>
    string ScanConfigDigest()
    {
        var bytes = File.ReadAllBytes(TrivyConfigFile).Concat(new byte[] { 0 })
            .Concat(TrivyIgnoreFile.FileExists() ? File.ReadAllBytes(TrivyIgnoreFile) : []).ToArray();
        return ContentDigest.Sha256(bytes);
    }
}
