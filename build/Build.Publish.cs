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

    [Parameter("Last-known-good manifest.json that Rollback moves the mutable tags back to", Name = "manifest")]
    readonly string? RollbackManifest;

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
            var registry = await OpenRegistryAsync(selection.Permutations, forSigning: true);
            var plans = new List<(ManifestPermutation Entry, IReadOnlyList<PublishStep> Steps)>();
            foreach (var entry in selection.Permutations)
                plans.Add((entry, PublishPlan.ForPermutation(entry, tags[entry.Id], await ObserveAsync(registry, entry, tags[entry.Id]))));
            var planText = string.Join("\n", plans.SelectMany(p => p.Steps).Select(s => s.ToString()));
            File.WriteAllText(ArtifactsDirectory / "publish-plan.txt", planText + "\n");
            Log.Information("Publish plan (what the registry still lacks; also in artifacts/publish-plan.txt):\n{Plan:l}", planText);
            // Everything is pushed, signed, attested and verified before the first tag moves; permutations are
            // independent until then, so they go side by side.
            await Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (plan, _) =>
            {
                foreach (var step in plan.Steps.Where(s => s.Kind != PublishStepKind.Tag))
                    await ExecuteAsync(registry, plan.Entry, step, ManifestFile.Parent, verifyAttestations: true);
            });
            // Every immutable tag of the run before any mutable one, so a lost race moves no mutable tag.
            foreach (var (entry, step) in plans.SelectMany(p => p.Steps.Where(s => s.Kind == PublishStepKind.Tag).Select(s => (p.Entry, s))).OrderBy(x => x.s.Tag!.IsMutable))
                await ExecuteAsync(registry, entry, step, ManifestFile.Parent, verifyAttestations: true);
            // Read every immutable tag once more: a run that wrote after our read-back shows here.
            foreach (var entry in selection.Permutations)
                foreach (var tag in tags[entry.Id].Where(t => !t.IsMutable))
                    TagPolicy.CheckWritten(tag, await registry.DigestOf(tag.Reference), entry.Digest);
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
            foreach (var (entry, steps) in plans)
                foreach (var step in steps)
                    await ExecuteAsync(registry, entry, step, Path.GetDirectoryName(RollbackManifestPath)!, verifyAttestations: false);
        });

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
        var manifest = ManifestStore.Read(path, KnownPermutationIds);
        var selection = ManifestScope.Select(manifest, path, GivenRepository, IsGiven(nameof(Permutations)) ? Permutations.Select(p => p.Id).ToList() : null,
            GivenRepositoryFlags);
        if (logNotes) foreach (var note in selection.Notes) Log.Information("{Note:l}", note);
        return (manifest, selection, selection.Permutations.ToDictionary(p => p.Id, p => TagPolicy.OfManifestEntry(p, manifest.Sha)));
    }

    async Task<RegistryState> ObserveAsync(RegistryClient registry, ManifestPermutation entry, IReadOnlyList<ImageTag> imageTags)
    {
        var tags = await TagDigestsAsync(registry, imageTags);
        var present = await registry.DigestOf(entry.DigestReference) == entry.Digest;
        if (!present) return new RegistryState(false, false, false, false, tags);
        return new RegistryState(true,
            await registry.IsSigned(entry.DigestReference),
            await registry.HasAttestation(entry.DigestReference, Cosign.ProvenanceType),
            await registry.HasAttestation(entry.DigestReference, Cosign.SbomType),
            tags);
    }

    static async Task<IReadOnlyDictionary<string, string?>> TagDigestsAsync(RegistryClient registry, IReadOnlyList<ImageTag> imageTags)
    {
        var tags = new Dictionary<string, string?>();
        foreach (var tag in imageTags) tags[tag.Reference] = await registry.DigestOf(tag.Reference);
        return tags;
    }

    static async Task ExecuteAsync(RegistryClient registry, ManifestPermutation entry, PublishStep step, string manifestDirectory, bool verifyAttestations)
    {
        string File(string relative) => Path.GetFullPath(Path.Combine(manifestDirectory, relative));
        Log.Information("{Step:l} {Id:l}: {Target:l}", step.Kind.ToString(), entry.Id, step.Target);
        switch (step.Kind)
        {
            case PublishStepKind.Push:
                var archive = OciArchive.Read(File(entry.Archive.Path));
                await registry.Push(File(entry.Archive.Path), archive.RefName, entry.DigestReference);
                var pushed = await registry.DigestOf(entry.DigestReference);
                if (pushed != entry.Digest)
                    throw new InvalidOperationException($"The registry holds {pushed ?? "nothing"} for {entry.DigestReference} after the push; the digest was not preserved, nothing was tagged.");
                Log.Information("Pushed {Reference}", entry.DigestReference);
                break;
            case PublishStepKind.Sign:
                await registry.Sign(entry.DigestReference);
                break;
            case PublishStepKind.AttestProvenance:
                await registry.Attest(entry.DigestReference, File(entry.Provenance.Path), Cosign.ProvenanceType);
                break;
            case PublishStepKind.AttestSbom:
                await registry.Attest(entry.DigestReference, File(entry.Sbom.Path), Cosign.SbomType);
                break;
            case PublishStepKind.Verify:
                await registry.Verify(entry.DigestReference);
                if (verifyAttestations)
                {
                    await registry.VerifyAttestation(entry.DigestReference, Cosign.ProvenanceType);
                    await registry.VerifyAttestation(entry.DigestReference, Cosign.SbomType);
                }
                break;
            case PublishStepKind.Tag:
                // Looked at again just before writing (another run may have tagged since the plan), then read back.
                var tag = step.Tag!;
                if (TagPolicy.CheckMove(tag, await registry.DigestOf(tag.Reference), entry.Digest) == TagMove.Unchanged) break;
                await registry.Tag(entry.DigestReference, tag.Reference);
                TagPolicy.CheckWritten(tag, await registry.DigestOf(tag.Reference), entry.Digest);
                break;
        }
    }

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
