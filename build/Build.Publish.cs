using Pipeline.CI;
using Pipeline.Host;
using Pipeline.Host.Tooling;
using Serilog;

/// <summary>
/// Publish and Rollback act on a manifest, never on a plan: <see cref="Publisher"/> pushes, signs, attests, verifies
/// and tags what the registry lacks; Rollback moves the mutable tags back to a last-known-good manifest's digests.
/// </summary>
partial class Build
{
    [Parameter("Last-known-good manifest.json (or lkg.json pin) that Rollback moves the mutable tags back to", Name = "manifest")]
    readonly string? RollbackManifest;

    [Parameter("Change nothing in the registry: Publish and Rollback print what they would push, sign, attest and tag (each tag's digest now → then) and write no pin; Retention prints what it would delete, UpdateBasePin what it would rewrite. Default: off for Publish, Rollback and UpdateBasePin; for Retention on outside CI, off in CI (the workflow passes its input)")]
    readonly bool? DryRun;

    static readonly IReadOnlyList<string> KnownPermutationIds = Permutation.All.Select(p => p.Id).ToList();

    [RegistryAccess(RegistryUse.Read | RegistryUse.Push | RegistryUse.SignKeyless)]
    Target Publish => _ => _
        .Description("Publish each image by digest: push it only from an archive (an image in the registry is not pushed again), sign it, attest its provenance and each platform's SBOM, verify, then move its tags")
        .DependsOn(Manifest)
        .Reads(() => Artifacts, () => Permutations, () => LastKnownGood, () => ReleaseRollback, () => DryRun, () => AllowDirty)
        .Reads(RepositoryParameters).Reads(SigningParameters)
        .Consumes(ManifestProducers, new ConsumedFile("the manifest", Layout.Manifest))
        .Produces(Layout.PublishPlan, Layout.LastKnownGoodPin, Layout.DerivedPublicKey, Layout.Summary)
        .Executes(async () =>
        {
            var (manifest, selection, tags) = ReadManifestScope(Layout.Manifest);
            RefuseUnpublishable(manifest with { Permutations = selection.Permutations }, Layout.Manifest);
            var decision = DecideMutableTags(manifest);
            var publisher = new Publisher(await OpenRegistryAsync(selection.Permutations, forSigning: true), Layout.Manifest.Parent);
            var plans = await publisher.PlanAsync(selection.Permutations, tags, decision.MoveMutableTags);
            WritePublishPlan(plans);
            if (Pipeline.Rules.LastKnownGood.UnpinnedOverwrite(decision, PinSource, plans.SelectMany(p => p.Tags)) is { } overwrite) WarnInLogAndSummary(overwrite);
            if (!StopsAtDryRun(nameof(Publish), "nothing was pushed, signed, attested or tagged"))
            {
                await publisher.RunAsync(plans, verifyAttestations: true);
                await publisher.CheckImmutableTagsAsync(selection.Permutations, tags);
                WritePin(decision.NewPin, selection.Permutations.Count);
            }
            var held = decision.SummaryNote is { } note ? "; " + note : "";
            foreach (var (entry, steps, _) in plans) AddSummary(entry.Id, $"{entry.Digest} ({steps.Count(x => x.Kind != PublishStepKind.Verify)} change(s){held}{DryRunNote})");
            if (!DryRunRequested) AnnounceUse(selection.Permutations, decision.MoveMutableTags);
        });

    [RegistryAccess(RegistryUse.Read | RegistryUse.Push)]
    Target Rollback => _ => _
        .Description("Move the mutable tags back to the digests of a last-known-good manifest (no rebuild)")
        .Requires(() => RollbackManifest)
        .Reads(() => Artifacts, () => Permutations, () => DryRun).Reads(RepositoryParameters).Reads(SigningParameters)
        .Reads(() => ProtectedEnvironment, () => RollbackWithoutReviewers)
        .Produces(Layout.LastKnownGoodPin, Layout.DerivedPublicKey)
        .Executes(async () =>
        {
            var (manifest, selection, tags) = ReadManifestScope(RollbackManifestPath);
            if (ProtectedEnvironment is { Length: > 0 } environment) // checked before anything ran (EnvironmentProblemsAsync)
                Log.Information("Rolling back in the environment {Environment}, whose protection was checked{Without:l}", environment,
                    RollbackWithoutReviewers ? " (accepted without required reviewers: --rollback-without-reviewers)" : "");
            var publisher = new Publisher(await OpenRegistryAsync(selection.Permutations, forSigning: false), Path.GetDirectoryName(RollbackManifestPath)!);
            var plans = await publisher.PlanRollbackAsync(selection.Permutations, tags);
            Log.Information("Rollback plan to {Manifest} ({Sha}), each mutable tag now → then:\n{Plan:l}", RollbackManifestPath, manifest.Sha, Publisher.Describe(plans));
            if (StopsAtDryRun(nameof(Rollback), "no tag was moved")) return;
            await publisher.RunAsync(plans, verifyAttestations: false);
            // The pin now says "rollback": a later Publish leaves the mutable tags here until the pin moves.
            WritePin(new LastKnownGoodPin(PinnedBy.Rollback, manifest), selection.Permutations.Count);
            AddSummary("moved", $"{plans.Sum(p => p.Steps.Count(s => s.Kind == PublishStepKind.Tag))} tag(s) to {manifest.Sha}");
        });

    /// <summary>
    /// Nothing is pushed unless every entry passed its gates and its files are the ones the manifest hashed, and the build
    /// was not made from uncommitted changes (unless --allow-dirty; the up-front check says so before anything runs).
    /// </summary>
    void RefuseUnpublishable(ReleaseManifest manifest, string manifestPath)
    {
        var problems = PublishPreflight.Problems(manifest, Path.GetDirectoryName(manifestPath)!);
        if (problems.Count > 0)
            throw new InvalidOperationException($"Publish refused before pushing anything: {string.Join(" | ", problems)}");
        if (DirtyTree.BuiltDirtyProblem(manifest.Dirty, manifestPath, AllowDirty) is { } dirty) throw new InvalidOperationException(dirty);
    }

    /// <summary>publish-plan.txt: the steps (what the registry still lacks); the log shows the tags left where they are too.</summary>
    void WritePublishPlan(IReadOnlyList<PermutationSteps> plans)
    {
        File.WriteAllText(Layout.PublishPlan, string.Join("\n", plans.SelectMany(p => p.Steps).Select(s => s.ToString())) + "\n");
        Log.Information("Publish plan (what the registry still lacks, each tag now → then; the steps also in artifacts/publish-plan.txt):\n{Plan:l}", Publisher.Describe(plans));
    }

    /// <summary>With --dry-run, says in one line that the plan above is all that happened; true when the target stops there.</summary>
    bool StopsAtDryRun(string target, string nothingDone)
    {
        if (!DryRunRequested) return false;
        Log.Information("Dry run (--dry-run): {Nothing:l} and no pin was written; the plan above is what {Target:l} would do without --dry-run", nothingDone, target);
        return true;
    }

    string DryRunNote => DryRunRequested ? " planned, --dry-run" : "";

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
}
