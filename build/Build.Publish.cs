using Pipeline.CI;
using Pipeline.Host;
using Pipeline.Host.Tooling;
using Serilog;

partial class Build
{
    [Parameter("cosign private key for local signing (password in COSIGN_PASSWORD); omit in GitHub Actions to sign keyless with its OIDC token")]
    readonly string? CosignKey;

    [Parameter("Password of --cosign-key"), Secret]
    readonly string? CosignPassword;

    [Parameter("Public key to verify signatures with (default: derived from --cosign-key)")]
    readonly string? CosignPublicKey;

    [Parameter("Upload key-based signatures to the transparency log (keyless signing always does)")]
    readonly bool TlogUpload;

    [Parameter("Last-known-good manifest.json (or lkg.json pin) that Rollback moves the mutable tags back to", Name = "manifest")]
    readonly string? RollbackManifest;

    [Parameter("The last-known-good pin (lkg.json written by Publish or Rollback; CI reads it from the lkg tag or DEVCONTAINER_LKG). While it records a rollback, Publish moves no mutable tag; a missing file means no pin yet")]
    readonly string? LastKnownGood;

    AbsolutePath PinFile => ArtifactsDirectory / "lkg.json";

    static readonly IReadOnlyList<string> KnownPermutationIds = Permutation.All.Select(p => p.Id).ToList();

    [RegistryAccess(RegistryUse.Read | RegistryUse.Push | RegistryUse.SignKeyless)]
    Target Publish => _ => _
        .Description("Push each archive by digest, sign, attest and verify it, then move its tags")
        .DependsOn(Manifest)
        .Produces(ArtifactsDirectory / "publish-plan.txt")
        .Executes(async () =>
        {
            var (manifest, selection, tags) = ReadManifestScope(ManifestFile);
            var problems = PublishPreflight.Problems(manifest with { Permutations = selection.Permutations }, ManifestFile.Parent);
            if (problems.Count > 0)
                throw new InvalidOperationException($"Publish refused before pushing anything: {string.Join(" | ", problems)}");
            File.Delete(PinFile); // only a publish that moved the mutable tags leaves a pin to store
            var pin = LastKnownGood is not null && File.Exists(LastKnownGood) ? ReadPin(LastKnownGood) : null;
            var decision = global::LastKnownGood.Decide(pin, manifest);
            if (decision.MoveMutableTags) Log.Information("{Note:l}", decision.Note);
            else
            {
                Log.Warning("{Note:l}", decision.Note);
                WriteStepSummary($"> **Warning:** {decision.Note}");
            }
            var registry = await OpenRegistryAsync(selection.Permutations, forSigning: true);
            var states = await InParallelAsync(selection.Permutations, entry => ObserveAsync(registry, entry, tags[entry.Id]));
            var plans = selection.Permutations.Select((entry, i) => (Entry: entry, Steps: (IReadOnlyList<PublishStep>)PublishPlan.ForPermutation(entry, tags[entry.Id], states[i])
                .Where(step => decision.MoveMutableTags || step.Kind != PublishStepKind.Tag || !step.Tag!.IsMutable).ToList())).ToList();
            var planText = string.Join("\n", plans.SelectMany(p => p.Steps).Select(s => s.ToString()));
            File.WriteAllText(ArtifactsDirectory / "publish-plan.txt", planText + "\n");
            Log.Information("Publish plan (what the registry still lacks; also in artifacts/publish-plan.txt):\n{Plan:l}", planText);
            await ExecutePhasesAsync(registry, plans.SelectMany(p => p.Steps), selection.Permutations, ManifestFile.Parent, verifyAttestations: true);
            // Read every immutable tag once more: a run that wrote after our read-back shows here.
            var immutable = selection.Permutations.SelectMany(entry => tags[entry.Id].Where(t => !t.IsMutable).Select(tag => (entry, tag))).ToList();
            var written = await InParallelAsync(immutable, x => registry.DigestOf(x.tag.Reference));
            for (var i = 0; i < immutable.Count; i++) TagPolicy.CheckWritten(immutable[i].tag, written[i], immutable[i].entry.Digest);
            WritePin(decision.NewPin, selection.Permutations.Count);
            ReportSummary(s => { foreach (var (entry, steps) in plans) s[entry.Id] = $"{entry.Digest} ({steps.Count(x => x.Kind != PublishStepKind.Verify)} change(s))"; return s; });
        });

    [RegistryAccess(RegistryUse.Read | RegistryUse.Push)]
    Target Rollback => _ => _
        .Description("Move the mutable tags back to the digests of a last-known-good manifest (no rebuild)")
        .Requires(() => RollbackManifest)
        .Executes(async () =>
        {
            var (manifest, selection, tags) = ReadManifestScope(RollbackManifestPath);
            var registry = await OpenRegistryAsync(selection.Permutations, forSigning: false);
            var plans = new List<(ManifestPermutation Entry, IReadOnlyList<PublishStep> Steps)>();
            foreach (var entry in selection.Permutations)
            {
                if (await registry.DigestOf(entry.DigestReference) is null)
                    throw new InvalidOperationException($"Rollback refused: {entry.Id}'s {entry.DigestReference} no longer exists in the registry; pick an older manifest whose images were kept (see README, Rollback).");
                if (!await registry.IsSigned(entry.DigestReference))
                    throw new InvalidOperationException($"Rollback refused: {entry.DigestReference} ({entry.Id}) has no valid signature for this key; pass the key it was signed with (--cosign-public-key) or pick another manifest.");
                plans.Add((entry, PublishPlan.ForRollback(entry, tags[entry.Id], await TagDigestsAsync(registry, tags[entry.Id]))));
            }
            Log.Information("Rollback plan to {Manifest} ({Sha}):\n{Plan:l}", RollbackManifestPath, manifest.Sha, string.Join("\n", plans.SelectMany(p => p.Steps)));
            await ExecutePhasesAsync(registry, plans.SelectMany(p => p.Steps), selection.Permutations, Path.GetDirectoryName(RollbackManifestPath)!, verifyAttestations: false);
            // The pin now says "rollback": a later Publish leaves the mutable tags here until the pin moves.
            WritePin(new LastKnownGoodPin(PinnedBy.Rollback, manifest), selection.Permutations.Count);
        });

    LastKnownGoodPin ReadPin(string path) => global::LastKnownGood.Parse(File.ReadAllText(path), path, KnownPermutationIds);

    /// <summary>artifacts/lkg.json for CI to store (lkg tag or variable); only a run over the whole manifest moves the pin.</summary>
    void WritePin(LastKnownGoodPin? pin, int actedOn)
    {
        if (pin is null) return;
        if (actedOn != pin.Manifest.Permutations.Count)
        {
            Log.Information("Not writing {Pin}: this run acted on {Count} of the manifest's {Total} permutations (--permutations); the pin covers whole manifests", PinFile, actedOn, pin.Manifest.Permutations.Count);
            return;
        }
        ArtifactsDirectory.CreateDirectory();
        File.WriteAllText(PinFile, global::LastKnownGood.Serialize(pin, KnownPermutationIds));
        Log.Information("Wrote the last-known-good pin {Pin} (pinned by {By}, {Sha})", PinFile, pin.PinnedBy.ToString().ToLowerInvariant(), pin.Manifest.Sha);
    }

    string RollbackManifestPath => Path.GetFullPath(RollbackManifest!);

    /// <summary>The image repository when --registry or --image-name was given (it must agree with a manifest), else null.</summary>
    string? GivenRepository => IsGiven(nameof(Registry)) || IsGiven(nameof(ImageName)) ? ImageRepository : null;

    /// <summary>The flags that gave <see cref="GivenRepository"/>, as a refusal names them.</summary>
    string GivenRepositoryFlags => (IsGiven(nameof(Registry)), IsGiven(nameof(ImageName))) switch
    {
        (true, true) => "--registry/--image-name",
        (false, true) => "--image-name",
        _ => "--registry",
    };

    /// <summary>
    /// A manifest as Publish and Rollback act on it: schema-valid, reconciled with --registry/--permutations
    /// (<see cref="ManifestScope"/>), and each entry's tags as the tag policy derives them. The targets log the
    /// scope's notes; the up-front checks read the same scope silently, so each note appears once.
    /// </summary>
    (ReleaseManifest Manifest, ManifestSelection Selection, IReadOnlyDictionary<string, IReadOnlyList<ImageTag>> Tags) ReadManifestScope(string path, bool logNotes = true)
    {
        // A pin (lkg.json) holds its manifest; a plain manifest.json is read as always.
        var manifest = File.Exists(path) ? ReadPin(path).Manifest : ManifestStore.Read(path, KnownPermutationIds);
        var selection = ManifestScope.Select(manifest, path, GivenRepository, IsGiven(nameof(Permutations)) ? Permutations.Select(p => p.Id).ToList() : null,
            GivenRepositoryFlags);
        if (logNotes) foreach (var note in selection.Notes) Log.Information("{Note:l}", note);
        return (manifest, selection, selection.Permutations.ToDictionary(p => p.Id, p => TagPolicy.OfManifestEntry(p, manifest.Sha)));
    }

    /// <summary>What the registry holds for one permutation; the reads wait on the network, not on each other.</summary>
    static async Task<RegistryState> ObserveAsync(RegistryClient registry, ManifestPermutation entry, IReadOnlyList<ImageTag> imageTags)
    {
        var tags = TagDigestsAsync(registry, imageTags);
        var present = await registry.DigestOf(entry.DigestReference) == entry.Digest;
        if (!present) return new RegistryState(false, false, false, false, await tags);
        var signed = registry.IsSigned(entry.DigestReference);
        var provenance = registry.HasAttestation(entry.DigestReference, Cosign.ProvenanceType);
        var sbom = registry.HasAttestation(entry.DigestReference, Cosign.SbomType);
        return new RegistryState(true, await signed, await provenance, await sbom, await tags);
    }

    static async Task<IReadOnlyDictionary<string, string?>> TagDigestsAsync(RegistryClient registry, IReadOnlyList<ImageTag> imageTags)
    {
        var digests = await Task.WhenAll(imageTags.Select(tag => registry.DigestOf(tag.Reference)));
        return imageTags.Select((tag, i) => (tag.Reference, digests[i])).ToDictionary(x => x.Reference, x => x.Item2);
    }

    /// <summary>
    /// Runs the steps of all permutations phase by phase (<see cref="PublishPhases"/>): nothing is tagged before every
    /// image is pushed, signed, attested and verified. Sign and Verify are one cosign call for all images.
    /// </summary>
    static async Task ExecutePhasesAsync(RegistryClient registry, IEnumerable<PublishStep> steps, IReadOnlyList<ManifestPermutation> entries, string manifestDirectory, bool verifyAttestations)
    {
        var entryOf = entries.ToDictionary(e => e.Id);
        foreach (var phase in PublishPhases.Of(steps))
        {
            foreach (var step in phase.Steps) Log.Information("{Step:l} {Id:l}: {Target:l}", step.Kind.ToString(), step.PermutationId, step.Target);
            switch (phase.Kind)
            {
                case PublishPhaseKind.Sign:
                    await registry.Sign(phase.Targets);
                    break;
                case PublishPhaseKind.Verify:
                    await Task.WhenAll(verifyAttestations
                        ? [registry.Verify(phase.Targets), registry.VerifyAttestation(phase.Targets, Cosign.ProvenanceType), registry.VerifyAttestation(phase.Targets, Cosign.SbomType)]
                        : [registry.Verify(phase.Targets)]);
                    break;
                default:
                    await InParallelAsync(phase.Lanes, async lane =>
                    {
                        foreach (var step in lane) await ExecuteAsync(registry, entryOf[step.PermutationId], step, manifestDirectory);
                    });
                    break;
            }
        }
    }

    /// <summary>One image's push, attestation or tag move (Sign and Verify are batched by the caller).</summary>
    static async Task ExecuteAsync(RegistryClient registry, ManifestPermutation entry, PublishStep step, string manifestDirectory)
    {
        string File(string relative) => Path.GetFullPath(Path.Combine(manifestDirectory, relative));
        switch (step.Kind)
        {
            case PublishStepKind.Push:
                if (entry.Archive is null)
                    throw new InvalidOperationException($"{entry.Id} was reused without its bytes, but the registry no longer holds {entry.DigestReference}; run Bake with --force to build it again, nothing was tagged.");
                var archive = OciArchive.Read(File(entry.Archive.Path));
                await registry.Push(File(entry.Archive.Path), archive.RefName, entry.DigestReference);
                var pushed = await registry.DigestOf(entry.DigestReference);
                if (pushed != entry.Digest)
                    throw new InvalidOperationException($"The registry holds {pushed ?? "nothing"} for {entry.DigestReference} after the push; the digest was not preserved, nothing was tagged.");
                Log.Information("Pushed {Reference}", entry.DigestReference);
                break;
            case PublishStepKind.AttestProvenance:
                await registry.Attest(entry.DigestReference, File(entry.Provenance.Path), Cosign.ProvenanceType);
                break;
            case PublishStepKind.AttestSbom:
                await registry.Attest(entry.DigestReference, File(entry.Sbom.Path), Cosign.SbomType);
                break;
            case PublishStepKind.Tag:
                // Looked at again just before writing (another run may have tagged since the plan), then read back.
                var tag = step.Tag!;
                if (TagPolicy.CheckMove(tag, await registry.DigestOf(tag.Reference), entry.Digest) == TagMove.Unchanged) break;
                await registry.Tag(entry.DigestReference, tag.Reference);
                TagPolicy.CheckWritten(tag, await registry.DigestOf(tag.Reference), entry.Digest);
                break;
            default:
                throw new InvalidOperationException($"{step.Kind} runs batched for all images, not per image.");
        }
    }

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

    /// <summary>skopeo and cosign for these permutations' registry, signing and verifying as <see cref="SigningPolicy"/> decides.</summary>
    async Task<RegistryClient> OpenRegistryAsync(IReadOnlyList<ManifestPermutation> permutations, bool forSigning)
    {
        var plainHttp = permutations.All(p => RegistryHost.IsLoopback(p.Repository));
        var skopeo = new ToolLocation("skopeo", ToolResolver.Resolve("skopeo", Skopeo.InstallHint), null, "");
        var identity = DecideSigning(forSigning, plainHttp);
        if (identity.DerivePublicKeyFrom is not null)
        {
            var (pem, error) = await DerivedPublicKeyAsync();
            // Written whole or not at all: a failure never leaves an empty cosign.pub behind.
            CosignKeys.WriteAtomically(DerivedPublicKeyFile, pem ?? throw new BuildInputException(CosignKeyCheck.OpenProblem(CosignKey!, error, CosignPasswordGiven)));
        }
        return new RegistryClient(skopeo, Cosign.Locate(), plainHttp, RetryPolicy.Default, identity.Signing, identity.Verification, RootDirectory, CosignEnvironment);
    }

    // Per run (artifacts), never shared: concurrent runs with different keys must not verify with each other's key.
    AbsolutePath DerivedPublicKeyFile => ArtifactsDirectory / "cosign.pub";

    SigningIdentity DecideSigning(bool forSigning, bool plainHttp) =>
        SigningPolicy.Decide(Full(CosignKey), Full(CosignPublicKey), TlogUpload, plainHttp, forSigning, Environment.GetEnvironmentVariable, DerivedPublicKeyFile, DefaultBranch);

    /// <summary>COSIGN_PASSWORD reaches cosign through its environment only (masked in every log line).</summary>
    IReadOnlyDictionary<string, string?> CosignEnvironment
    {
        get
        {
            var password = CosignPassword ?? Environment.GetEnvironmentVariable("COSIGN_PASSWORD");
            SecretMasker.Register(password, declared: true);
            return new Dictionary<string, string?> { ["COSIGN_PASSWORD"] = password ?? "" };
        }
    }

    bool CosignPasswordGiven => !string.IsNullOrEmpty(CosignEnvironment["COSIGN_PASSWORD"]);

    (string? Pem, string Error)? _derivedPublicKey;

    /// <summary>The public key of --cosign-key, derived once per run (the preflight check opens the key the same way).</summary>
    async Task<(string? Pem, string Error)> DerivedPublicKeyAsync() =>
        _derivedPublicKey ??= await CosignKeys.DerivePublicKeyAsync(Cosign.Locate(), Full(CosignKey)!, CosignEnvironment, RootDirectory);

    static string? Full(string? path) => path is null ? null : Path.GetFullPath(path);
}
