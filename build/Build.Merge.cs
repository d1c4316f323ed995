using Pipeline.CI;
using Pipeline.Host;
using Serilog;

/// <summary>
/// The CI fan-in: native per-platform jobs each build one platform (Bake/Validate --platforms) and push it untagged,
/// MergePlatforms joins their images into one image index per permutation in the registry (or their archives into one)
/// and their bake records into one (so Manifest describes what the build jobs ran), and MergeManifests joins the build
/// jobs' own manifests into the one Publish reads (without re-planning or rebuilding anything).
/// </summary>
partial class Build
{
    [Parameter("Folder (relative to the root) holding each platform's build output as <id>-<arch>/ (pushed/<id>.json and images/<id>.index.json, or images/<id>.tar; bake-plan.json), for MergePlatforms")]
    readonly string PlatformParts = "platforms";

    /// <summary>One per-platform build job's artifacts folder, as downloaded: the same layout as artifacts/.</summary>
    ArtifactLayout PlatformPart(Permutation p, string platform) => new(RootDirectory / PlatformParts / $"{p.Id}-{CachePolicy.PlatformSlug(platform)}");

    IReadOnlyList<string> PlatformsOf(Permutation p) => Platforms is { Length: > 0 } ? Platforms : p.Platforms;

    // Puts the merged index into the image repository, by digest and untagged, beside the platform images the build jobs pushed.
    [RegistryAccess(RegistryUse.Read | RegistryUse.Push)]
    Target MergePlatforms => _ => _
        .Description("Join each permutation's per-platform images (from --platform-parts: the images their records name, merged into one index put by digest, untagged, in the registry; with --image-output archive, their archives) and build records into one multi-platform image and one bake-plan.json; a permutation every platform job reused keeps the published index and attested SBOMs they fetched")
        .Before(Scan, Sbom, Manifest)
        .Reads(() => Artifacts, () => Permutations, () => Platforms, () => PlatformParts, () => ImageOutput).Reads(RepositoryParameters)
        .Produces(Layout.BakeRecord, Layout.PushedImages / "*.json", Layout.Images / "*.index.json")
        .Produces(ImageOutput == ImageOutput.Archive ? [Layout.Images / "*.tar"] : [])
        .Produces(Layout.AllSboms) // a reused permutation's evidence
        .Executes(async () =>
        {
            var record = BakeRecordMerge.Combine(ReadPlatformRecords()); // the build jobs must agree before anything is merged
            foreach (var p in SelectedPermutations) AddSummary(p.Id, await MergePermutationAsync(p, record.For(p.Id, Layout.BakeRecord)));
            BakeRecordStore.Write(Layout.BakeRecord, record);
        });

    Target MergeManifests => _ => _
        .Description("Join the build jobs' manifests (<artifacts>/<folder>/manifest.json) into artifacts/manifest.json, checking commit, ref, files and that every permutation is there")
        .Before(Publish)
        .Reads(() => Artifacts, () => Permutations)
        .Produces(Layout.Manifest)
        .Executes(() =>
        {
            var parts = ReadBuildManifests();
            var manifest = ManifestMerge.Combine(parts, SelectedPermutations.Select(p => p.Id).ToList(), DigestOfArtifact);
            ManifestStore.Write(Layout.Manifest, manifest, KnownPermutationIds);
            Log.Information("Merged {Count} build manifest(s) into {Manifest}:\n{Table:l}", parts.Count, Layout.Manifest, ManifestEntry.Describe(manifest));
        });

    /// <summary>
    /// One permutation's platforms joined into one image (its index put in the registry, or with --image-output archive
    /// its archive), or, when every platform job reused the published image, that image's evidence passed on; what the
    /// summary shows.
    /// </summary>
    async Task<string> MergePermutationAsync(Permutation p, PermutationRecord record)
    {
        // An earlier run's image must not pass for this one's.
        foreach (var stale in new[] { Layout.ImageIndex(p), Layout.PushedImage(p) }.Where(f => f.FileExists())) File.Delete(stale);
        if (record.ReusedDigest is { } reused)
        {
            KeepReusedEvidence(p, reused);
            return $"{reused} (reused)";
        }
        var info = ImageOutput == ImageOutput.Archive ? MergePlatformArchives(p) : await MergeInRegistryAsync(p);
        Log.Information("Merged {Id}: {Digest} ({Platforms})", p.Id, info.IndexDigest, string.Join(", ", info.Platforms.Select(x => $"{x.Platform} {x.Digest}")));
        return info.IndexDigest;
    }

    /// <summary>One permutation's per-platform archives (each platform's build job's artifact) joined into its archive.</summary>
    OciArchiveInfo MergePlatformArchives(Permutation p)
    {
        var parts = PlatformsOf(p).Select(platform => PlatformArchives.ReadPart(platform, PlatformFile(p, platform, "archive", part => part.Archive(p)))).ToList();
        var merged = PlatformMerge.Compose(p.Id, parts);
        Layout.Images.CreateDirectory();
        StagedArchive.Discard(Layout.Archive(p));
        var info = PlatformArchives.Write(p.Id, parts, merged, Layout.Archive(p));
        LogDroppedAnnotations(p, merged);
        return info;
    }

    /// <summary>
    /// The per-platform images the build jobs pushed, joined where they are: the index of their indexes' platform manifests
    /// (the same bytes an archive merge makes: <see cref="PlatformMerge"/>) put into the image repository by its digest,
    /// untagged. No layer is read or written; Publish signs and tags that digest.
    /// </summary>
    async Task<OciArchiveInfo> MergeInRegistryAsync(Permutation p)
    {
        const string fix = "its per-platform build job must run Bake (which pushes the image and records it) and its artifact be downloaded to the platform parts folder (for archives, run both with --image-output archive).";
        var parts = new List<PlatformPart>();
        foreach (var platform in PlatformsOf(p))
        {
            var recordPath = PlatformFile(p, platform, "pushed-image record", part => part.PushedImage(p), fix);
            var image = PushedImageStore.Read(recordPath);
            if (PlatformMerge.PushedImageProblem(image, p.Id, platform, ImageRepository, recordPath) is { } problem) throw new InvalidOperationException(problem);
            var index = File.ReadAllBytes(PlatformFile(p, platform, "image index", part => part.ImageIndex(p), fix));
            if (PlatformMerge.ReadBackProblem(image, ContentDigest.Sha256(index)) is { } changed) throw new InvalidOperationException(changed);
            parts.Add(PlatformMerge.PartOfIndex(platform, recordPath, index));
        }
        var merged = PlatformMerge.Compose(p.Id, parts);
        await ImageReader(ImageRepository).PutIndex(ImageRepository, merged.IndexBlob, OciArchive.IndexMediaType);
        Layout.Images.CreateDirectory();
        File.WriteAllBytes(Layout.ImageIndex(p), merged.IndexBlob);
        PushedImageStore.Write(Layout.PushedImage(p), new PushedImage(PushedImage.CurrentSchemaVersion, p.Id, PlatformsOf(p), ImageRepository, merged.Digest));
        LogDroppedAnnotations(p, merged);
        return PublishedEvidence.DescribeIndex(merged.IndexBlob, Layout.ImageIndex(p));
    }

    static void LogDroppedAnnotations(Permutation p, MergedIndex merged)
    {
        if (merged.DroppedAnnotations.Count > 0)
            Log.Information("{Id}: index annotations that differ between platforms are not carried: {Keys}", p.Id, string.Join(", ", merged.DroppedAnnotations));
    }

    /// <summary>
    /// Every platform job of <paramref name="p"/> reused the published <paramref name="digest"/> (BakeRecordMerge checked):
    /// nothing is merged. The published index, its record and each platform's verified SBOM attestation their Bake fetched
    /// (or, where it could not verify them, the record of the published image itself, or with --image-output archive the
    /// image it copied) go to artifacts/ as a local Bake's reuse leaves them, so Scan re-scans the SBOMs (or the image),
    /// Manifest describes the published index and Publish only verifies and tags.
    /// </summary>
    void KeepReusedEvidence(Permutation p, string digest)
    {
        var parts = PlatformsOf(p).Select(platform => (Platform: platform, Folder: PlatformPart(p, platform))).ToList();
        var kept = parts.Select(part => ReusedPartOf(p, part.Platform, part.Folder)).ToList();
        if (PlatformMerge.ReusedEvidenceProblem(p.Id, digest, kept) is { } problem) throw new InvalidOperationException(problem);
        var source = parts[0].Folder;
        Layout.Images.CreateDirectory();
        StagedArchive.Discard(Layout.Archive(p));
        var copies = source.Archive(p).FileExists() ? [(source.Archive(p), Layout.Archive(p))]
            : source.ReusedEvidence(p, IndexPlatforms(source.ImageIndex(p))).Zip(Layout.ReusedEvidence(p, IndexPlatforms(source.ImageIndex(p)))).ToList();
        // Index, record and SBOMs were checked above; a missing provenance is not copied: Manifest refuses the reused image, naming it.
        foreach (var (from, to) in copies.Where(c => c.First.FileExists()))
        {
            to.Parent.CreateDirectory();
            File.Copy(from, to, overwrite: true);
        }
        Log.Information("Reused {Id}: every platform job kept the published {Digest}; {Evidence:l} passed on (nothing merged, no build)",
            p.Id, digest, kept[0].IsCopy ? "the published image itself (its record or copy) is" : "its index, record and verified SBOM and provenance attestations are");
    }

    /// <summary>What one platform job of a reused permutation left: the digest it kept, whether the image itself stands in for its evidence, whether each platform's SBOM is there.</summary>
    ReusedPart ReusedPartOf(Permutation p, string platform, ArtifactLayout folder)
    {
        var (index, archive, record) = (folder.ImageIndex(p), folder.Archive(p), folder.PushedImage(p));
        var digest = archive.FileExists() ? OciArchive.Read(archive).IndexDigest : index.FileExists() ? ContentDigest.Sha256(File.ReadAllBytes(index)) : null;
        var withoutEvidence = archive.FileExists() || record.FileExists() && !PushedImageStore.Read(record).KeptEvidence;
        var sboms = index.FileExists() && IndexPlatforms(index).All(x => folder.Sbom(p, x).FileExists()) && folder.Sbom(p).FileExists();
        return new ReusedPart(platform, folder.Directory, digest, IsCopy: withoutEvidence && digest is not null, sboms && record.FileExists());
    }

    static IReadOnlyList<string> IndexPlatforms(AbsolutePath index) =>
        index.FileExists() ? PublishedEvidence.DescribeIndex(File.ReadAllBytes(index), index).Platforms.Select(x => x.Platform).ToList() : [];

    /// <summary>Every selected permutation's per-platform build records (what each build job ran), in platform order.</summary>
    IReadOnlyList<PlatformRecord> ReadPlatformRecords() => SelectedPermutations
        .SelectMany(p => PlatformsOf(p).Select(platform => (p, platform, path: PlatformFile(p, platform, "build record", part => part.BakeRecord))))
        .Select(r => new PlatformRecord(r.p.Id, r.platform, r.path, BakeRecordStore.Read(r.path)))
        .ToList();

    /// <summary>
    /// A file of one platform's build job; one line naming the job when its artifact does not hold it, with
    /// <paramref name="fix"/> when building the platform there is not the fix.
    /// </summary>
    AbsolutePath PlatformFile(Permutation p, string platform, string what, Func<ArtifactLayout, AbsolutePath> file, string? fix = null)
    {
        var path = file(PlatformPart(p, platform));
        if (!path.FileExists())
            throw new InvalidOperationException($"{p.Id} has no {platform} {what} at {path}" + (fix is not null ? "; " + fix
                : $" (--platform-parts {PlatformParts}): build that platform there first (`Bake --permutations {p.Id} --platforms {platform} --artifacts {PlatformParts}/{p.Id}-{CachePolicy.PlatformSlug(platform)}`; in CI, its build job's artifact is downloaded there)."));
        return path;
    }

    /// <summary>The build jobs' manifests, one per folder of artifacts/ that holds one, in folder order.</summary>
    IReadOnlyList<ManifestPart> ReadBuildManifests() => Directory.Exists(ArtifactsDirectory)
        ? Directory.GetDirectories(ArtifactsDirectory).Order(StringComparer.Ordinal)
            .Where(folder => File.Exists(Path.Combine(folder, "manifest.json")))
            .Select(folder => new ManifestPart(Path.GetFileName(folder), ManifestStore.Read(Path.Combine(folder, "manifest.json"), KnownPermutationIds)))
            .ToList()
        : [];

    /// <summary>The digest of a file the merged manifest names (relative to artifacts/), or null when it is not there.</summary>
    string? DigestOfArtifact(string relative)
    {
        var path = Path.GetFullPath(Path.Combine(ArtifactsDirectory, relative));
        return File.Exists(path) ? ContentDigest.Sha256(path) : null;
    }
}
