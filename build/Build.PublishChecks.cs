using Pipeline.Host;
using Pipeline.Host.Tooling;

/// <summary>
/// What the targets that change the registry check before anything runs (beside Build.Preflight.cs): a publish from
/// uncommitted changes, a dry run a Bake in the same run would break, a rollback pin Publish would overwrite, a rollback
/// to a manifest without mutable tags; and what --plan says they would do to each tag.
/// </summary>
partial class Build
{
    [Parameter("Publish a build made from uncommitted changes (anything git status --porcelain lists; ignored files never count): pushed, signed and attested by digest, never tagged")]
    readonly bool AllowDirty;

    /// <summary>--dry-run as Publish and Rollback read it: off unless given (Retention's default differs, see Build.Retention.cs).</summary>
    bool DryRunRequested => DryRun ?? false;

    /// <param name="manifestRead">Whether the manifest this run acts on was read without a problem (else it is not read again).</param>
    IReadOnlyList<string> RegistryChangeProblems(IReadOnlyCollection<string> running, bool manifestRead)
    {
        var problems = new List<string>();
        if (DryRunRequested && running.Contains(nameof(Bake)) && CacheExportRepository is { } cache) problems.Add(Preflight.DryRunCacheExport(cache));
        if (running.Contains(nameof(Publish)))
        {
            if ((running.Contains(nameof(Bake)) || running.Contains(nameof(Manifest)) || manifestRead) && PublishedTreeProblem(running) is { } dirty) problems.Add(dirty);
            try { if (UnreadRollbackPinProblem() is { } pin) problems.Add(pin); }
            catch (InvalidManifestException e) { problems.Add(e.Message); }
        }
        return problems;
    }

    /// <summary>
    /// Whether what Publish would publish comes from uncommitted changes: this work tree when Bake runs, else the bake record
    /// Manifest reads, else the existing manifest (Publish checks the manifest again when it runs).
    /// </summary>
    string? PublishedTreeProblem(IReadOnlyCollection<string> running)
    {
        if (running.Contains(nameof(Bake))) return DirtyTree.PublishProblem(Context.UncommittedPaths ?? [], AllowDirty);
        if (running.Contains(nameof(Manifest)))
            return Layout.BakeRecord.FileExists() ? DirtyTree.BuiltDirtyProblem(BakeRecordStore.Read(Layout.BakeRecord).Dirty, Layout.BakeRecord, AllowDirty) : null;
        return ManifestDrivingThisRun(running) is { } manifest ? DirtyTree.BuiltDirtyProblem(ReadManifestScope(manifest, logNotes: false).Manifest.Dirty, manifest, AllowDirty) : null;
    }

    /// <summary>
    /// --plan: where each tag Rollback (or a Publish of an existing manifest) would point, read from the registry now
    /// (skopeo only; signatures are checked when it runs). A Publish held by a rollback pin says so per mutable tag.
    /// </summary>
    IEnumerable<string> DescribePlannedTagMoves(IReadOnlyCollection<string> planned)
    {
        var target = planned.Contains(nameof(Rollback)) ? nameof(Rollback) : nameof(Publish);
        // Without --manifest the plan already says Rollback needs it.
        if ((target == nameof(Rollback) && RollbackManifest is null) || ManifestDrivingThisRun(planned) is not { } path) return [];
        try
        {
            var (manifest, selection, tags) = ReadManifestScope(path, logNotes: false);
            var rollback = target == nameof(Rollback);
            if (rollback && Pipeline.Rules.LastKnownGood.RollbackProblem(manifest, path) is { } refused) return ["", refused];
            var decision = Pipeline.Rules.LastKnownGood.Decide(File.Exists(PinSource) ? ReadPin(PinSource) : null, manifest, PinSource, ReleaseRollback);
            var held = !rollback && !decision.MoveMutableTags;
            var lines = new List<string> { "", $"{target} would point each {(rollback ? "mutable " : "")}tag (now → then; read from the registry now, signatures are checked when it runs):" };
            var changes = selection.Permutations.SelectMany(entry =>
                new Publisher(ImageReader(entry.Repository), "").TagChangesAsync(entry, tags[entry.Id], mutableOnly: rollback).GetAwaiter().GetResult()).ToList();
            lines.AddRange(changes.Select(change => $"  {change}{(held && change.Tag.IsMutable && change.Moves ? " (held: the last-known-good pin records a rollback)" : "")}"));
            if (!rollback && Pipeline.Rules.LastKnownGood.UnpinnedOverwrite(decision, PinSource, changes) is { } overwrite) lines.Add("Warning: " + overwrite);
            return lines;
        }
        catch (Exception e) when (e is InvalidManifestException or RegistryOperationException or ToolNotFoundException)
        {
            return ["", $"{target} would be refused: {e.Message}"];
        }
    }

    protected override IEnumerable<string> DescribePlannedDecisions(IReadOnlyCollection<string> plannedTargets) =>
        [.. DescribePlannedBake(plannedTargets), .. DescribePlannedTagMoves(plannedTargets), .. DescribePlannedBasePin(plannedTargets)];
}
