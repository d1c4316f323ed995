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

    static readonly IReadOnlyList<string> KnownPermutationIds = Permutation.All.Select(p => p.Id).ToList();

    [RegistryAccess(RegistryUse.Read | RegistryUse.Push | RegistryUse.SignKeyless)]
    Target Publish => _ => _
        .Description("Push each archive by digest, sign, attest and verify it, then move its tags")
        .DependsOn(Manifest)
        .Produces(Layout.PublishPlan, PinFile, DerivedPublicKeyFile, Layout.Summary)
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
        .Produces(PinFile, DerivedPublicKeyFile)
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
        File.WriteAllText(Layout.PublishPlan, planText + "\n");
        Log.Information("Publish plan (what the registry still lacks; also in artifacts/publish-plan.txt):\n{Plan:l}", planText);
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
}
