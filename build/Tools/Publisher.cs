using Serilog;

namespace Pipeline.Tools;

/// <summary>One permutation's publish (or rollback) steps, as planned against what the registry held, and every tag it acts on.</summary>
public sealed record PermutationSteps(ManifestPermutation Entry, IReadOnlyList<PublishStep> Steps, IReadOnlyList<TagChange> Tags);

/// <summary>
/// The steps Publish and Rollback take against the registry, through <see cref="RegistryClient"/>: observe what the
/// registry holds, plan what it lacks (<see cref="PublishPlan"/>), then push (only an archive's bytes: an image Bake or
/// MergePlatforms pushed is there already), sign, attest, verify and tag phase by phase (<see cref="PublishPhases"/>). Manifest file paths are relative to <paramref name="manifestDirectory"/>.
/// </summary>
public sealed class Publisher(RegistryClient registry, string manifestDirectory)
{
    /// <summary>Each permutation's steps to publish; without <paramref name="moveMutableTags"/> its mutable tags stay where they are.</summary>
    public async Task<IReadOnlyList<PermutationSteps>> PlanAsync(IReadOnlyList<ManifestPermutation> entries,
        IReadOnlyDictionary<string, IReadOnlyList<ImageTag>> tags, bool moveMutableTags)
    {
        var states = await InParallelAsync(entries, entry => ObserveAsync(entry, tags[entry.Id]));
        // An image neither in the registry nor in an archive cannot be published: refused before anything is signed or tagged.
        var missing = entries.Where((entry, i) => !states[i].IndexPresent && entry.Archive is null).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException("Publish refused before changing anything: " + string.Join(" | ", missing.Select(entry =>
                $"{entry.Id}'s image {entry.DigestReference} is not in the registry and the manifest keeps no archive (it was staged elsewhere, e.g. in a registry a run " +
                "started and removed, or deleted since); run ./build.sh Publish to build and publish in one run, or Bake with --image-output archive")) + ".");
        return entries.Select((entry, i) => new PermutationSteps(entry, PublishPlan.ForPermutation(entry, tags[entry.Id], states[i])
                .Where(step => moveMutableTags || step.Kind != PublishStepKind.Tag || !step.Tag!.IsMutable).ToList(),
            PublishPlan.TagChanges(entry, tags[entry.Id], states[i].TagDigests, mutableOnly: false))).ToList();
    }

    /// <summary>Each permutation's steps to move its mutable tags back; refused when an image is gone or not signed for this key.</summary>
    public async Task<IReadOnlyList<PermutationSteps>> PlanRollbackAsync(IReadOnlyList<ManifestPermutation> entries,
        IReadOnlyDictionary<string, IReadOnlyList<ImageTag>> tags)
    {
        var plans = new List<PermutationSteps>();
        foreach (var entry in entries)
        {
            if (await registry.DigestOf(entry.DigestReference) is null)
                throw new InvalidOperationException($"Rollback refused: {entry.Id}'s {entry.DigestReference} no longer exists in the registry; pick an older manifest whose images were kept (see README, Rollback).");
            if (!await registry.IsSigned(entry.DigestReference))
                throw new InvalidOperationException($"Rollback refused: {entry.DigestReference} ({entry.Id}) has no valid signature for this key; pass the key it was signed with (--cosign-public-key) or pick another manifest.");
            var tagDigests = await TagDigestsAsync(tags[entry.Id]);
            plans.Add(new(entry, PublishPlan.ForRollback(entry, tags[entry.Id], tagDigests), PublishPlan.TagChanges(entry, tags[entry.Id], tagDigests, mutableOnly: true)));
        }
        return plans;
    }

    /// <summary>
    /// The plan as the log shows it: each step (a tag's with its digest now → then), then each tag the plan leaves where it
    /// is: unchanged, or held (a mutable tag a publish may not move while the pin records a rollback).
    /// </summary>
    public static string Describe(IReadOnlyList<PermutationSteps> plans) => string.Join("\n", plans.SelectMany(p =>
        p.Steps.Select(s => s.ToString()).Concat(p.Tags.Where(t => p.Steps.All(s => s.Change != t)).Select(t => t.Moves
            ? $"{"Held",-16} {p.Entry.Id,-20} {t.Tag.Reference}  {t.Current ?? "(none)"} (not moved to {t.Target}: the last-known-good pin records a rollback)"
            : $"{"Unchanged",-16} {p.Entry.Id,-20} {t.Tag.Reference}  {t.Target}"))));

    /// <summary>Where each tag of the entry points now and where the run would point it, read without cosign (for --plan).</summary>
    public async Task<IReadOnlyList<TagChange>> TagChangesAsync(ManifestPermutation entry, IReadOnlyList<ImageTag> tags, bool mutableOnly) =>
        PublishPlan.TagChanges(entry, tags, await TagDigestsAsync(tags), mutableOnly);

    /// <summary>
    /// Runs the steps of all permutations phase by phase: nothing is tagged before every image is pushed, signed,
    /// attested and verified. Sign and Verify are one cosign call for all images.
    /// </summary>
    public async Task RunAsync(IReadOnlyList<PermutationSteps> plans, bool verifyAttestations)
    {
        var entryOf = plans.ToDictionary(p => p.Entry.Id, p => p.Entry);
        foreach (var phase in PublishPhases.Of(plans.SelectMany(p => p.Steps)))
        {
            foreach (var step in phase.Steps) Log.Information("{Step:l} {Id:l}: {Target:l}", step.Kind.ToString(), step.PermutationId, step.Target);
            switch (phase.Kind)
            {
                case PublishPhaseKind.Sign:
                    await registry.Sign(phase.Targets);
                    break;
                case PublishPhaseKind.Verify:
                    var verified = phase.Steps.Select(step => entryOf[step.PermutationId]).Distinct().ToList();
                    await Task.WhenAll(verifyAttestations
                        ? [registry.Verify(phase.Targets), registry.VerifyAttestation(phase.Targets, Cosign.ProvenanceType), VerifySbomsAsync(verified)]
                        : [registry.Verify(phase.Targets)]);
                    break;
                default:
                    await InParallelAsync(phase.Lanes, async lane =>
                    {
                        foreach (var step in lane) await ExecuteAsync(entryOf[step.PermutationId], step);
                    });
                    break;
            }
        }
    }

    /// <summary>Reads every immutable tag once more: a run that wrote after our read-back shows here.</summary>
    public async Task CheckImmutableTagsAsync(IReadOnlyList<ManifestPermutation> entries, IReadOnlyDictionary<string, IReadOnlyList<ImageTag>> tags)
    {
        var immutable = entries.SelectMany(entry => tags[entry.Id].Where(t => !t.IsMutable).Select(tag => (entry, tag))).ToList();
        var written = await InParallelAsync(immutable, x => registry.DigestOf(x.tag.Reference));
        for (var i = 0; i < immutable.Count; i++) TagPolicy.CheckWritten(immutable[i].tag, written[i], immutable[i].entry.Digest);
    }

    /// <summary>Each platform's SBOM reference attestation verifies, and the document it names is in the repository, so a user can fetch it.</summary>
    async Task VerifySbomsAsync(IReadOnlyList<ManifestPermutation> entries)
    {
        var platforms = entries.SelectMany(entry => entry.Platforms.Select(platform => (entry, platform))).ToList();
        await registry.VerifyAttestation(platforms.Select(x => PublishPlan.PlatformReference(x.entry, x.platform)).ToList(), SbomReference.PredicateType);
        foreach (var (entry, platform) in platforms)
            if (!await registry.HasBlob(entry.Repository, platform.Sbom!.Digest))
                throw new InvalidOperationException($"{entry.Id} {platform.Platform}: its attested SBOM {platform.Sbom.Digest} is not in {entry.Repository}; run Publish again, nothing was tagged.");
    }

    /// <summary>What the registry holds for one permutation; the reads wait on the network, not on each other.</summary>
    async Task<RegistryState> ObserveAsync(ManifestPermutation entry, IReadOnlyList<ImageTag> imageTags)
    {
        var tags = TagDigestsAsync(imageTags);
        var present = await registry.DigestOf(entry.DigestReference) == entry.Digest;
        if (!present) return new RegistryState(false, false, false, new Dictionary<string, bool>(), await tags);
        var signed = registry.IsSigned(entry.DigestReference);
        var provenance = registry.HasAttestation(entry.DigestReference, Cosign.ProvenanceType);
        var sboms = Task.WhenAll(entry.Platforms.Select(async platform => (platform.Digest, Attested:
            platform.Sbom is { } sbom && await registry.HasAttestation(PublishPlan.PlatformReference(entry, platform), SbomReference.PredicateType)
            && await registry.HasBlob(entry.Repository, sbom.Digest))));
        return new RegistryState(true, await signed, await provenance, (await sboms).ToDictionary(x => x.Digest, x => x.Attested), await tags);
    }

    async Task<IReadOnlyDictionary<string, string?>> TagDigestsAsync(IReadOnlyList<ImageTag> imageTags)
    {
        var digests = await Task.WhenAll(imageTags.Select(tag => registry.DigestOf(tag.Reference)));
        return imageTags.Select((tag, i) => (tag.Reference, digests[i])).ToDictionary(x => x.Reference, x => x.Item2);
    }

    /// <summary>One image's push, attestation or tag move (Sign and Verify are batched by <see cref="RunAsync"/>).</summary>
    async Task ExecuteAsync(ManifestPermutation entry, PublishStep step)
    {
        switch (step.Kind)
        {
            case PublishStepKind.Push:
                await PushAsync(entry);
                break;
            case PublishStepKind.AttestProvenance:
                await registry.Attest(entry.DigestReference, FileOf(entry.Provenance.Path), Cosign.ProvenanceType);
                break;
            case PublishStepKind.AttestSbom:
                await AttestPlatformSbomAsync(entry, entry.Platforms.Single(p => PublishPlan.PlatformReference(entry, p) == step.Target));
                break;
            case PublishStepKind.Tag:
                await TagAsync(entry, step.Tag!);
                break;
            default:
                throw new InvalidOperationException($"{step.Kind} runs batched for all images, not per image.");
        }
    }

    /// <summary>
    /// One platform's SBOM: the document pushed as an OCI artifact of that platform's manifest (<see cref="SbomReference"/>),
    /// then a small reference predicate naming it by digest attested on the platform's manifest, so what reaches the
    /// transparency log is a few hundred bytes whatever the SBOM's size.
    /// </summary>
    async Task AttestPlatformSbomAsync(ManifestPermutation entry, PlatformDigest platform)
    {
        var sbomPath = FileOf(platform.Sbom!.Path);
        var document = await File.ReadAllBytesAsync(sbomPath);
        var index = await registry.RawManifest(entry.DigestReference)
            ?? throw new InvalidOperationException($"{entry.DigestReference} ({entry.Id}) vanished from the registry while publishing; run Publish again, nothing was tagged.");
        var subject = SbomReference.PlatformDescriptors(index).GetValueOrDefault(platform.Digest)
            ?? throw new InvalidOperationException($"{entry.DigestReference} ({entry.Id}) lists no {platform.Platform} manifest {platform.Digest}; the manifest and the registry disagree, re-run the pipeline.");
        var manifest = SbomReference.ArtifactManifest(subject, platform.Sbom.Digest, document.Length, Path.GetFileName(sbomPath));
        await registry.PushArtifact(entry.Repository, document, SbomReference.EmptyConfigBlob, manifest, SbomReference.ArtifactTag(platform.Digest));
        var predicate = Path.ChangeExtension(sbomPath, ".reference.json");
        await File.WriteAllTextAsync(predicate, SbomReference.Predicate(entry.Repository, platform.Sbom.Digest));
        await registry.Attest(PublishPlan.PlatformReference(entry, platform), predicate, SbomReference.PredicateType);
    }

    async Task PushAsync(ManifestPermutation entry)
    {
        if (entry.Archive is null)
            throw new InvalidOperationException($"{entry.Id}'s image is not in the registry at {entry.DigestReference} and the manifest keeps no archive; run ./build.sh Publish to build it again, nothing was tagged.");
        var archive = OciArchive.Read(FileOf(entry.Archive.Path));
        await registry.Push(FileOf(entry.Archive.Path), archive.RefName, entry.DigestReference);
        var pushed = await registry.DigestOf(entry.DigestReference);
        if (pushed != entry.Digest)
            throw new InvalidOperationException($"The registry holds {pushed ?? "nothing"} for {entry.DigestReference} after the push; the digest was not preserved, nothing was tagged.");
        Log.Information("Pushed {Reference}", entry.DigestReference);
    }

    /// <summary>Looked at again just before writing (another run may have tagged since the plan), then read back.</summary>
    async Task TagAsync(ManifestPermutation entry, ImageTag tag)
    {
        if (TagPolicy.CheckMove(tag, await registry.DigestOf(tag.Reference), entry.Digest) == TagMove.Unchanged) return;
        await registry.Tag(entry.DigestReference, tag.Reference);
        TagPolicy.CheckWritten(tag, await registry.DigestOf(tag.Reference), entry.Digest);
    }

    string FileOf(string relative) => Path.GetFullPath(Path.Combine(manifestDirectory, relative));

    /// <summary>Runs <paramref name="work"/> for each item, as many at once as <see cref="PublishPhases.Concurrency"/> allows; results in item order.</summary>
    static async Task<T[]> InParallelAsync<TItem, T>(IReadOnlyList<TItem> items, Func<TItem, Task<T>> work)
    {
        var results = new T[items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), new ParallelOptions { MaxDegreeOfParallelism = PublishPhases.Concurrency(Environment.ProcessorCount) },
            async (i, _) => results[i] = await work(items[i]));
        return results;
    }

    static Task InParallelAsync<TItem>(IReadOnlyList<TItem> items, Func<TItem, Task> work) =>
        InParallelAsync(items, async item => { await work(item); return true; });
}
