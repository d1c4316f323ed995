using Pipeline.Host;
using Pipeline.Host.Tooling;
using Serilog;

/// <summary>
/// Skipping unchanged permutations: each permutation's <see cref="InputDigest"/> goes into its labels, annotations and
/// manifest.json; when the registry's latest published image of the permutation was built from the same inputs,
/// Bake keeps that image's published index and verified SBOM attestation (or, when it cannot verify them, copies the
/// image) instead of building it, Validate skips it, Scan re-scans the SBOM, and Publish finds it pushed, signed and
/// attested, so it only verifies and moves the new tags.
/// </summary>
partial class Build
{
    [Parameter("Build every selected permutation even when the registry holds an image built from identical inputs")]
    readonly bool Force;

    [Parameter("This run is one platform job of a per-platform build (CI's fan-in, joined by MergePlatforms): --platforms names one of each permutation's own platforms, and the input digest (labels, annotations, reuse) covers all of them, so every platform job, the merged index and the next run's reuse check agree")]
    readonly bool PerPlatformJob;

    /// <summary>Each permutation's packages snapshot, decided with the reuse candidates before the input digests (the snapshot is a build arg).</summary>
    IReadOnlyDictionary<string, PackagesDecision>? _packages;

    /// <summary>
    /// Adds each permutation's packages snapshot (ImageFreshness: the published image's, or a new one for --refresh-packages
    /// or an image older than --max-image-age) to its labels, and gives a new image of the commit its published image was
    /// built from only the mutable tag (TagPolicy). The decisions go to the log; reuse is refused for a new snapshot.
    /// </summary>
    async Task<BakePlan> WithPackagesSnapshotsAsync(BakePlan plan)
    {
        var published = await PublishedCandidatesAsync();
        var now = DateTimeOffset.UtcNow;
        var decisions = plan.Permutations.ToDictionary(p => p.Id, p => ImageFreshness.Decide(p.Id, published.GetValueOrDefault(p.Id),
            RefreshPackages.Any(r => r.Id == p.Id), MaxImageAge, now));
        _packages = decisions;
        Log.Information("Packages (a new snapshot fetches today's packages):\n{Packages:l}", string.Join("\n", decisions.Values.Select(d => "  " + d)));
        return plan with
        {
            Permutations = plan.Permutations.Select(p =>
            {
                var decision = decisions[p.Id];
                var ofPublishedCommit = decision.RefusesReuse && PublishedFacts.Of(published.GetValueOrDefault(p.Id)?.IndexJson).Revision == plan.Context.Sha;
                return p.WithLabel(PackageSnapshot.LabelKey, decision.Snapshot.ToString()) with { Tags = TagPolicy.TagsFor(plan.Context, plan.ImageRepository, p.Id, ofPublishedCommit) };
            }).ToList(),
        };
    }

    /// <summary>The bake target with the permutation's packages snapshot among its args, as the override passes it (so the input digest covers it).</summary>
    static BakeTarget WithSnapshotArg(BakeTarget target, PermutationBake p) => p.Labels.TryGetValue(PackageSnapshot.LabelKey, out var snapshot)
        ? target with { Args = new Dictionary<string, string>(target.Args) { [PackageSnapshot.BuildArg] = snapshot } }
        : target;

    /// <summary>Adds each permutation's input digest to its labels (and so its annotations).</summary>
    BakePlan WithInputDigests(BakePlan plan, BakeDefinition definition)
    {
        var entries = plan.Permutations.Select(p =>
        {
            var digest = InputDigest.Compute(InputDigestSource.Read(BakeFilePath.Parent, WithSnapshotArg(definition.Targets[p.Permutation.BakeTarget], p), p, PerPlatformJob));
            return p.WithLabel(InputDigest.LabelKey, digest);
        }).ToList();
        return plan with { Permutations = entries };
    }

    /// <summary>For --plan (no docker, no registry): which reference each permutation's reuse will be decided on.</summary>
    IEnumerable<string> DescribePlannedReuse(BakePlan plan) =>
    [
        .. Force
            ? ["reuse: none (--force: every permutation is built)"]
            : (IEnumerable<string>)["reuse (decided when Bake runs: built unless this image's input digest equals the permutation's):",
                .. plan.Permutations.Select(p => $"  {p.Id}: {ReuseDecision.CandidateReference(plan.Context, plan.ImageRepository, p.Id)}")],
        $"packages snapshot (decided when Bake runs): the published image's, or today's for {(RefreshPackages.Length > 0 ? string.Join(", ", RefreshPackages.Select(r => r.Id)) + " (--refresh-packages) and " : "")}" +
        $"an image older than {MaxImageAge} days (--max-image-age), which is then never reused",
    ];

    /// <summary>The plan with each permutation's reuse decision: one registry read per permutation (none with --force; all started before the plan, see Build.PreBake.cs); the decisions go to the log and bake-plan.txt.</summary>
    async Task<BakePlan> WithReuseAsync(BakePlan plan, BakeDefinition definition)
    {
        var published = await PublishedCandidatesAsync();
        var decided = plan with { Permutations = plan.Permutations.Select(p => Decide(p, published[p.Id], definition)).ToList() };
        var text = "reuse (unchanged inputs skip the build):\n" + string.Join("", decided.Permutations.Select(p => $"  {p.Reuse}\n"));
        File.AppendAllText(Layout.BakePlan, text);
        Log.Information("{Reuse:l}", text.TrimEnd());
        return decided;
    }

    /// <summary>
    /// One permutation's reuse decision. When the build was narrowed to this machine's platform (a local run publishing
    /// nothing), the published image still counts if its inputs are these for every platform: then the whole image is
    /// reused (all its platforms, as recorded), which beats building one of them.
    /// </summary>
    PermutationBake Decide(PermutationBake p, PublishedImage? published, BakeDefinition definition)
    {
        var packages = _packages?.GetValueOrDefault(p.Id);
        var decision = ReuseDecision.Decide(p.Id, p.Labels[InputDigest.LabelKey], Force, published, packages);
        if (decision.Reuses || !BakePlatforms.NarrowedToNative) return p with { Reuse = decision };
        var whole = p with { Platforms = p.Permutation.Platforms };
        var wholeDigest = InputDigest.Compute(InputDigestSource.Read(BakeFilePath.Parent, WithSnapshotArg(definition.Targets[p.Permutation.BakeTarget], whole), whole));
        var wholeDecision = ReuseDecision.Decide(p.Id, wholeDigest, Force, published, packages);
        if (!wholeDecision.Reuses) return p with { Reuse = decision };
        return whole.WithLabel(InputDigest.LabelKey, wholeDigest) with { Reuse = wholeDecision with { Reason = wholeDecision.Reason + ", every platform" } };
    }

    /// <summary>What the registry holds at a reuse candidate; without skopeo, nothing is reused (the permutation is built).</summary>
    async Task<PublishedImage> ReadPublishedAsync(string reference, CancellationToken cancellationToken) =>
        ToolResolver.TryResolve("skopeo") is null
            ? new PublishedImage(reference, null, null, "skopeo is not installed (" + Skopeo.InstallHint + ")")
            : await ImageReader(reference).ReadPublishedAsync(reference, cancellationToken);

    /// <summary>skopeo reads, copies and pushes by digest (no cosign) for the registry of <paramref name="reference"/>.</summary>
    RegistryClient ImageReader(string reference) => new(Skopeo.Locate(), RegistryHost.IsLoopback(reference), RetryPolicy.Default, RootDirectory);

    /// <summary>
    /// For each reused image: its published index, each platform's SBOM attested at publish time (the reference attestation
    /// verified with cosign, the document fetched by the digest it names) and its provenance, so no image bytes are
    /// downloaded; Scan re-scans those SBOMs. When they cannot be verified (no key or identity to verify with, or an image
    /// published before per-platform SBOMs), the published image itself is read by digest where it is (Scan and Sbom scan
    /// it in the registry), or with --image-output archive copied, digest preserved, into its archive.
    /// </summary>
    async Task FetchReusedAsync(BakePlan plan)
    {
        var reused = plan.Permutations.Where(p => p.IsReused).ToList();
        if (reused.Count == 0) return;
        var published = await PublishedCandidatesAsync();
        var (registry, unverifiable) = await EvidenceReaderAsync(plan.ImageRepository);
        await Task.WhenAll(reused.Select(async p =>
        {
            var digest = p.Reuse!.ReusedDigest!;
            var source = $"{plan.ImageRepository}@{digest}";
            var indexJson = published[p.Id]!.IndexJson!;
            var index = System.Text.Encoding.UTF8.GetBytes(indexJson);
            if (PublishedEvidence.DescribeIndex(index, source).IndexDigest != digest)
                throw new InvalidOperationException($"Reusing {p.Id}: the index read for {source} has another digest; re-run Bake (or --force to build it).");
            var problem = unverifiable;
            if (registry is not null)
            {
                try
                {
                    var (evidence, why) = await ReadEvidenceAsync(registry, plan.ImageRepository, index, digest);
                    if (evidence is not null)
                    {
                        KeepEvidence(p, plan.ImageRepository, index, digest, evidence);
                        return;
                    }
                    problem = why;
                }
                catch (Exception e) when (e is RegistryOperationException or Pipeline.Retention.RegistryException) { problem = e.Message; }
            }
            if (ImageOutput == ImageOutput.Archive)
            {
                Log.Warning("Reusing {Id} by copying its image (its SBOM attestations could not be verified, so the image is downloaded): {Problem:l}", p.Id, problem);
                await CopyPublishedImageAsync(p, source, digest);
                return;
            }
            Log.Warning("Reusing {Id} without its attested SBOMs ({Problem:l}): Scan and Sbom read the published image by digest in {Repository}", p.Id, problem, plan.ImageRepository);
            WritePushedRecord(p, plan.ImageRepository, index, digest, keptEvidence: false);
        }));
    }

    /// <summary>A reused image's kept evidence: each platform's verified SBOM, and the verified provenance.</summary>
    sealed record ReusedEvidence(IReadOnlyList<(string Platform, byte[] Sbom)> Sboms, string Provenance);

    /// <summary>The evidence of a reused image, or null and why not (the first platform or attestation that does not verify).</summary>
    async Task<(ReusedEvidence? Evidence, string Problem)> ReadEvidenceAsync(RegistryClient registry, string repository, byte[] index, string digest)
    {
        var sboms = new List<(string Platform, byte[] Sbom)>();
        foreach (var platform in PublishedEvidence.DescribeIndex(index, $"{repository}@{digest}").Platforms)
        {
            var platformReference = $"{repository}@{platform.Digest}";
            var predicate = PublishedEvidence.AttestedReference(await registry.VerifiedAttestations(platformReference, SbomReference.PredicateType), platform.Digest, out var problem);
            var sbomDigest = predicate is null ? null : SbomReference.ReferencedSbomDigest(predicate, out problem);
            if (sbomDigest is null) return (null, $"{platform.Platform}: {problem}");
            var bytes = await registry.ReadBlob(repository, sbomDigest);
            if (bytes is null || ContentDigest.Sha256(bytes) != sbomDigest)
                return (null, $"{platform.Platform}: the SBOM {sbomDigest} its attestation names is {(bytes is null ? "not in the registry" : "another document there")}");
            sboms.Add((platform.Platform, bytes));
        }
        var provenance = PublishedEvidence.AttestedProvenance(await registry.VerifiedAttestations($"{repository}@{digest}", Cosign.ProvenanceType), digest, out var provenanceProblem);
        return provenance is null ? (null, provenanceProblem) : (new ReusedEvidence(sboms, provenance), "");
    }

    /// <summary>Writes the published index and its record, each platform's attested SBOM (the first also as the permutation's) and the attested provenance.</summary>
    void KeepEvidence(PermutationBake p, string repository, byte[] index, string digest, ReusedEvidence evidence)
    {
        Layout.Sbom(p.Permutation).Parent.CreateDirectory();
        foreach (var (platform, sbom) in evidence.Sboms) File.WriteAllBytes(Layout.Sbom(p.Permutation, platform), sbom);
        File.WriteAllBytes(Layout.Sbom(p.Permutation), evidence.Sboms[0].Sbom);
        Layout.Provenance(p.Permutation).Parent.CreateDirectory();
        File.WriteAllText(Layout.Provenance(p.Permutation), evidence.Provenance);
        WritePushedRecord(p, repository, index, digest, keptEvidence: true);
        Log.Information("Reused {Id}: {Digest} — its index, each platform's verified SBOM and its provenance attestation, no image bytes downloaded (no build)", p.Id, digest);
    }

    /// <summary>The published image as the record the targets after Bake read (it is already where they read it: the image repository).</summary>
    void WritePushedRecord(PermutationBake p, string repository, byte[] index, string digest, bool keptEvidence)
    {
        Layout.Images.CreateDirectory();
        File.WriteAllBytes(Layout.ImageIndex(p.Permutation), index);
        var platforms = PublishedEvidence.DescribeIndex(index, Layout.ImageIndex(p.Permutation)).Platforms.Select(x => x.Platform).ToList();
        PushedImageStore.Write(Layout.PushedImage(p.Permutation), new PushedImage(PushedImage.CurrentSchemaVersion, p.Id, platforms, repository, digest, KeptEvidence: keptEvidence));
    }

    /// <summary>A cosign client that verifies as Publish would, or why there is none (then reused images are copied).</summary>
    async Task<(RegistryClient? Registry, string Problem)> EvidenceReaderAsync(string repository)
    {
        var plainHttp = RegistryHost.IsLoopback(repository);
        try { return (OpenRegistry(plainHttp, await Signing.ReadyAsync(forSigning: false, plainHttp)), ""); }
        catch (BuildInputException e) { return (null, "no identity to verify the published SBOM attestation with: " + e.Message); }
    }

    /// <summary>Copies a reused image, digest preserved, into its archive: Scan and Publish read exactly what is published.</summary>
    async Task CopyPublishedImageAsync(PermutationBake p, string source, string digest)
    {
        await ImageReader(source).CopyToArchive(source, StagedArchive.PartialPath(p.Archive));
        var copied = StagedArchive.Commit(p.Archive, p.Id).IndexDigest;
        if (copied != digest)
        {
            StagedArchive.Discard(p.Archive);
            throw new InvalidOperationException($"Reusing {p.Id}: the copy of {source} has digest {copied}; re-run with --force to build it instead.");
        }
        Log.Information("Reused {Id}: {Source} → {Archive} (no build)", p.Id, source, p.Archive);
    }
}
