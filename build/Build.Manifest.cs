using Pipeline.Host;
using Serilog;

/// <summary>
/// Manifest: artifacts/manifest.json, the contract between building and publishing — every permutation's image (its
/// digest in the registry, or its archive), platform digests with each platform's SBOM, tags, scan verdict and SLSA
/// provenance, each file with its hash.
/// </summary>
partial class Build
{

    Target Manifest => _ => _
        .Description("Write artifacts/manifest.json from what Bake ran (bake-plan.json): every permutation's image digest (or archive), platform digests and SBOMs, tags and scan verdict")
        .DependsOn(Bake, Validate, Scan, Sbom)
        .Reads(() => Artifacts, () => Permutations, () => FailOnSeverity)
        .Consumes(ImageProducers, [.. BuiltImages, BakeRecordRead])
        .Consumes(Scan, [.. SelectedPermutations.Select(p => new ConsumedFile($"the scan report of {p.Id}", Layout.ScanReport(p)))])
        .Consumes(Sbom, [.. SelectedPermutations.Select(p => new ConsumedFile($"the SBOM of {p.Id}", Layout.Sbom(p)))])
        .Produces(Layout.Manifest, Layout.AllProvenance)
        .Executes(() =>
        {
            var record = BakeRecordStore.Read(Layout.BakeRecord); // Bake's, or the build jobs' merged by MergePlatforms: never a plan of its own
            var run = RunIdentity.Detect(Environment.GetEnvironmentVariable, DateTimeOffset.UtcNow, Guid.NewGuid);
            var entries = SelectedPermutations.Select(p => ManifestEntryOf(record, p, run)).ToList();
            var manifest = new ReleaseManifest(ReleaseManifest.CurrentSchemaVersion, record.Sha, record.Ref, record.EventName, DateTimeOffset.UtcNow, entries, record.Dirty);
            ManifestStore.Write(Layout.Manifest, manifest, KnownPermutationIds);
            Log.Information("Wrote {Manifest}:\n{Table:l}", Layout.Manifest, ManifestEntry.Describe(manifest));
            foreach (var e in entries) AddSummary(e.Id, e.Digest);
        });

    /// <summary>One permutation's entry, its gates checked again on the files it names; writes its provenance first (a reused image's: the attested one Bake kept).</summary>
    ManifestPermutation ManifestEntryOf(BakeRecord record, Permutation permutation, RunIdentity run)
    {
        var p = record.For(permutation.Id, Layout.BakeRecord);
        var image = ImageOf(permutation);
        var platformSboms = image.Info.Platforms.ToDictionary(x => x.Platform, x => (string)Layout.Sbom(permutation, x.Platform));
        var files = new ManifestFiles(ArtifactsDirectory, image.Archive, Layout.ScanReport(permutation), Layout.Sbom(permutation), Layout.Provenance(permutation), platformSboms);
        var scan = ScanGate.Evaluate(p.Id, File.ReadAllText(files.ScanReport), FailOnSeverity);
        foreach (var (platform, sbom) in platformSboms.Prepend(KeyValuePair.Create("", (string)files.Sbom)))
            if (SbomGate.Problem(platform == "" ? p.Id : $"{p.Id} {platform}", sbom) is { } problem) throw new InvalidOperationException(problem);
        if (image.KeptEvidence) RequireAttestedProvenance(p.Id, files.Provenance);
        else WriteProvenance(record, p, run, files.Provenance);
        return ManifestEntry.Create(p.Id, record.ImageRepository, files, image.Info, p.Tags, p.BaseImage, scan, ScanConfigDigest())
            with { InputDigest = p.InputDigest };
    }

    /// <summary>The SLSA provenance of what this run built: the commit, the bake inputs and each platform's override.</summary>
    static void WriteProvenance(BakeRecord record, PermutationRecord p, RunIdentity run, string path)
    {
        var provenance = new ProvenanceInputs(p.Id, record.SourceUrl, record.Ref, record.Sha, record.BakeFile, record.BakeFileDigest,
            p.Overrides, p.Platforms, p.BaseImage, record.EventName, run, p.Images, record.Dirty);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, Provenance.PredicateJson(provenance));
    }

    /// <summary>
    /// A reused image was built by an earlier commit: the manifest records the provenance attested when it was published
    /// (Bake kept it, verified), never one describing this run as its build.
    /// </summary>
    static void RequireAttestedProvenance(string id, string path)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"{id} is reused but its attested provenance ({path}) is missing; re-run Bake, which keeps it with the published index and SBOM.");
    }

    /// <summary>The digest of the scan policy: trivy.yaml and its ignore file, so a changed policy shows in the manifest.</summary>
    string ScanConfigDigest()
    {
        var bytes = File.ReadAllBytes(TrivyConfigFile).Concat(new byte[] { 0 })
            .Concat(TrivyIgnoreFile.FileExists() ? File.ReadAllBytes(TrivyIgnoreFile) : []).ToArray();
        return ContentDigest.Sha256(bytes);
    }
}
