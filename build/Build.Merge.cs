using Pipeline.CI;
using Pipeline.Host;
using Serilog;

/// <summary>
/// The CI fan-in: native per-platform jobs each build one platform (Bake/Validate --platforms), MergePlatforms joins
/// their archives into one image index per permutation and their bake records into one (so Manifest describes what
/// the build jobs ran), and MergeManifests joins the build jobs' own manifests into the
/// one Publish reads (without re-planning or rebuilding anything).
/// </summary>
partial class Build
{
    [Parameter("Folder (relative to the root) holding each platform's build output as <id>-<arch>/ (images/<id>.tar, bake-plan.json), for MergePlatforms")]
    readonly string PlatformParts = "platforms";

    /// <summary>One per-platform build job's artifacts folder, as downloaded: the same layout as artifacts/.</summary>
    ArtifactLayout PlatformPart(Permutation p, string platform) => new(RootDirectory / PlatformParts / $"{p.Id}-{CachePolicy.PlatformSlug(platform)}");

    IReadOnlyList<string> PlatformsOf(Permutation p) => Platforms is { Length: > 0 } ? Platforms : p.Platforms;

    // Reads the platform images the build jobs pushed by digest (--image-output push-by-digest); reading needs no write.
    [RegistryAccess(RegistryUse.Read)]
    Target MergePlatforms => _ => _
        .Description("Join each permutation's per-platform OCI archives and build records (from --platform-parts; with --image-output push-by-digest, the images their records name, read back by digest) into one multi-platform image index in artifacts/images/ and one bake-plan.json; a permutation every platform job reused keeps the published index and attested SBOM they fetched")
        .Before(Scan, Sbom, Manifest)
        .Reads(() => Artifacts, () => Permutations, () => Platforms, () => PlatformParts, () => ImageOutput).Reads(RepositoryParameters)
        .Produces(ImagesDirectory / "*.tar", Layout.BakeRecord)
        .Produces(ImagesDirectory / "*.index.json", ArtifactsDirectory / "sbom" / "*.cdx.json") // a reused permutation's evidence
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
        .Produces(ManifestFile)
        .Executes(() =>
        {
            var parts = ReadBuildManifests();
            var manifest = ManifestMerge.Combine(parts, SelectedPermutations.Select(p => p.Id).ToList(), DigestOfArtifact);
            ManifestStore.Write(ManifestFile, manifest, KnownPermutationIds);
            Log.Information("Merged {Count} build manifest(s) into {Manifest}:\n{Table:l}", parts.Count, ManifestFile, ManifestEntry.Describe(manifest));
        });

    /// <summary>
    /// One permutation's platforms joined into its archive (read back by digest first when the jobs pushed), or, when every
    /// platform job reused the published image, that image's evidence passed on; what the summary shows.
    /// </summary>
    async Task<string> MergePermutationAsync(Permutation p, PermutationRecord record)
    {
        if (Layout.PublishedIndex(p).FileExists()) File.Delete(Layout.PublishedIndex(p)); // an earlier run's evidence must not pass for this one's
        if (record.ReusedDigest is { } reused)
        {
            KeepReusedEvidence(p, reused);
            return $"{reused} (reused)";
        }
        if (ImageOutput == ImageOutput.PushByDigest) await ReadPushedPlatformsAsync(p);
        var info = MergePlatformArchives(p);
        Log.Information("Merged {Id}: {Digest} ({Platforms})", p.Id, info.IndexDigest, string.Join(", ", info.Platforms.Select(x => $"{x.Platform} {x.Digest}")));
        return info.IndexDigest;
    }

    /// <summary>One permutation's per-platform archives (each platform's build job's artifact) joined into its archive.</summary>
    OciArchiveInfo MergePlatformArchives(Permutation p)
    {
        var parts = PlatformsOf(p).Select(platform => PlatformArchives.ReadPart(platform, PlatformFile(p, platform, "archive", part => part.Archive(p)))).ToList();
        var merged = PlatformMerge.Compose(p.Id, parts);
        ImagesDirectory.CreateDirectory();
        StagedArchive.Discard(Layout.Archive(p));
        var info = PlatformArchives.Write(p.Id, parts, merged, Layout.Archive(p));
        if (merged.DroppedAnnotations.Count > 0)
            Log.Information("{Id}: index annotations that differ between platforms are not carried: {Keys}", p.Id, string.Join(", ", merged.DroppedAnnotations));
        return info;
    }

    /// <summary>
    /// Every platform job of <paramref name="p"/> reused the published <paramref name="digest"/> (BakeRecordMerge checked):
    /// nothing is merged. The published index and verified SBOM attestation their Bake fetched (or, where it could not
    /// verify the attestation, the image it copied) go to artifacts/ as a local Bake's reuse leaves them, so Scan
    /// re-scans the SBOM, Manifest describes the published index and Publish only verifies and tags.
    /// </summary>
    void KeepReusedEvidence(Permutation p, string digest)
    {
        var parts = PlatformsOf(p).Select(platform => (Platform: platform, Folder: PlatformPart(p, platform))).ToList();
        var kept = parts.Select(part =>
        {
            var (index, archive) = (part.Folder.PublishedIndex(p), part.Folder.Archive(p));
            var digest = index.FileExists() ? ContentDigest.Sha256(File.ReadAllBytes(index)) : archive.FileExists() ? OciArchive.Read(archive).IndexDigest : null;
            return new ReusedPart(part.Platform, part.Folder.Directory, digest, IsCopy: !index.FileExists() && digest is not null, part.Folder.Sbom(p).FileExists());
        }).ToList();
        if (PlatformMerge.ReusedEvidenceProblem(p.Id, digest, kept) is { } problem) throw new InvalidOperationException(problem);
        var source = parts[0].Folder;
        ImagesDirectory.CreateDirectory();
        StagedArchive.Discard(Layout.Archive(p));
        var keptIndex = source.PublishedIndex(p).FileExists();
        var copies = keptIndex ? source.ReusedEvidence(p).Zip(Layout.ReusedEvidence(p)).ToList() : [(source.Archive(p), Layout.Archive(p))];
        // Index and SBOM were checked above; a missing provenance is not copied: Manifest refuses the reused image, naming it.
        foreach (var (from, to) in copies.Where(c => c.First.FileExists()))
        {
            to.Parent.CreateDirectory();
            File.Copy(from, to, overwrite: true);
        }
        Log.Information("Reused {Id}: every platform job kept the published {Digest}; {Evidence:l} passed on (nothing merged, no build)",
            p.Id, digest, keptIndex ? "its index and verified SBOM and provenance attestations are" : "its copied image is");
    }

    /// <summary>
    /// Each platform's image, as its build job pushed it by digest, copied (digests preserved) into the archive the
    /// archive mode would have downloaded, so the merge and everything after it are the same in both modes.
    /// </summary>
    async Task ReadPushedPlatformsAsync(Permutation p)
    {
        foreach (var platform in PlatformsOf(p))
        {
            var folder = PlatformPart(p, platform);
            var record = PlatformFile(p, platform, "pushed-image record", part => part.PushedImage(p),
                fix: $"its per-platform build job must run Bake with --image-output push-by-digest and its artifact be downloaded to {PlatformParts}/ (for archives, run MergePlatforms without --image-output push-by-digest).");
            var image = PushedImageStore.Parse(File.ReadAllText(record), record);
            if (PlatformMerge.PushedImageProblem(image, p.Id, platform, ImageRepository, record) is { } problem) throw new InvalidOperationException(problem);
            var archive = folder.Archive(p);
            folder.Images.CreateDirectory();
            StagedArchive.Discard(archive);
            await ImageReader(image.Reference).CopyToArchive(image.Reference, StagedArchive.PartialPath(archive));
            var read = StagedArchive.Commit(archive, p.Id);
            if (PlatformMerge.ReadBackProblem(image, read.IndexDigest) is { } changed) throw new InvalidOperationException(changed);
            Log.Information("Read {Id} {Platform} back by digest: {Reference}", p.Id, platform, image.Reference);
        }
    }

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
