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
            RefuseUnpublishable(manifest with { Permutations = selection.Permutations }, ManifestFile.Parent);
            var decision = DecideMutableTags(manifest);
            var publisher = new Publisher(await OpenRegistryAsync(selection.Permutations, forSigning: true), ManifestFile.Parent);
            var plans = await publisher.PlanAsync(selection.Permutations, tags, decision.MoveMutableTags);
            WritePublishPlan(plans);
            await publisher.RunAsync(plans, verifyAttestations: true);
            await publisher.CheckImmutableTagsAsync(selection.Permutations, tags);
            WritePin(decision.NewPin, selection.Permutations.Count);
            foreach (var (entry, steps) in plans) AddSummary(entry.Id, $"{entry.Digest} ({steps.Count(x => x.Kind != PublishStepKind.Verify)} change(s))");
        });

    [RegistryAccess(RegistryUse.Read | RegistryUse.Push)]
    Target Rollback => _ => _
        .Description("Move the mutable tags back to the digests of a last-known-good manifest (no rebuild)")
        .Requires(() => RollbackManifest)
        .Executes(async () =>
        {
            var (manifest, selection, tags) = ReadManifestScope(RollbackManifestPath);
            var publisher = new Publisher(await OpenRegistryAsync(selection.Permutations, forSigning: false), Path.GetDirectoryName(RollbackManifestPath)!);
            var plans = await publisher.PlanRollbackAsync(selection.Permutations, tags);
            Log.Information("Rollback plan to {Manifest} ({Sha}):\n{Plan:l}", RollbackManifestPath, manifest.Sha, string.Join("\n", plans.SelectMany(p => p.Steps)));
            await publisher.RunAsync(plans, verifyAttestations: false);
            // The pin now says "rollback": a later Publish leaves the mutable tags here until the pin moves.
            WritePin(new LastKnownGoodPin(PinnedBy.Rollback, manifest), selection.Permutations.Count);
        });

    AbsolutePath PublishPlanFile => ArtifactsDirectory / "publish-plan.txt";

    /// <summary>Nothing is pushed unless every entry passed its gates and its files are the ones the manifest hashed.</summary>
    static void RefuseUnpublishable(ReleaseManifest manifest, string manifestDirectory)
    {
        var problems = PublishPreflight.Problems(manifest, manifestDirectory);
        if (problems.Count > 0)
            throw new InvalidOperationException($"Publish refused before pushing anything: {string.Join(" | ", problems)}");
    }

    void WritePublishPlan(IReadOnlyList<PermutationSteps> plans)
    {
        var planText = string.Join("\n", plans.SelectMany(p => p.Steps).Select(s => s.ToString()));
        File.WriteAllText(PublishPlanFile, planText + "\n");
        Log.Information("Publish plan (what the registry still lacks; also in artifacts/publish-plan.txt):\n{Plan:l}", planText);
    }

    /// <summary>Whether this publish moves the mutable tags: not while the last-known-good pin records a rollback.</summary>
    PinDecision DecideMutableTags(ReleaseManifest manifest)
    {
        File.Delete(PinFile); // only a publish that moved the mutable tags leaves a pin to store
        var pin = LastKnownGood is not null && File.Exists(LastKnownGood) ? ReadPin(LastKnownGood) : null;
        var decision = global::LastKnownGood.Decide(pin, manifest);
        if (decision.MoveMutableTags) Log.Information("{Note:l}", decision.Note);
        else
        {
            Log.Warning("{Note:l}", decision.Note);
            WriteStepSummary($"> **Warning:** {decision.Note}");
        }
        return decision;
    }

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

    /// <summary>skopeo and cosign for these permutations' registry, signing and verifying as <see cref="SigningPolicy"/> decides.</summary>
    async Task<RegistryClient> OpenRegistryAsync(IReadOnlyList<ManifestPermutation> permutations, bool forSigning)
    {
        var plainHttp = permutations.All(p => RegistryHost.IsLoopback(p.Repository));
        return OpenRegistry(plainHttp, await Signing.ReadyAsync(forSigning, plainHttp));
    }

    RegistryClient OpenRegistry(bool plainHttp, SigningIdentity identity) =>
        new(Skopeo.Locate(), Cosign.Locate(), plainHttp, RetryPolicy.Default, identity.Signing, identity.Verification, RootDirectory, CosignEnvironment);

    // Per run (artifacts), never shared: concurrent runs with different keys must not verify with each other's key.
    AbsolutePath DerivedPublicKeyFile => ArtifactsDirectory / "cosign.pub";

    SigningSetup? _signing;
    SigningSetup Signing => _signing ??= new(CosignKey, Full(CosignKey), Full(CosignPublicKey), TlogUpload, DefaultBranch, DerivedPublicKeyFile, CosignEnvironment, RootDirectory);

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

    static string? Full(string? path) => path is null ? null : Path.GetFullPath(path);
}
