using Pipeline.Host;
using Serilog;

/// <summary>
/// The last-known-good pin: written (artifacts/lkg.json) by a Publish that moved the mutable tags and by Rollback, and
/// read by Publish from --last-known-good (CI: the lkg tag or variable) or, without it, from artifacts/lkg.json, so a
/// local Rollback and the Publish after it agree on one pin. While it records a rollback, Publish moves no mutable tag.
/// </summary>
partial class Build
{
    [Parameter("The last-known-good pin Publish reads (an lkg.json written by Publish or Rollback; CI passes the lkg tag's or DEVCONTAINER_LKG's). Default: artifacts/lkg.json, the pin the last local Publish or Rollback wrote. While it records a rollback, Publish moves no mutable tag; a missing file means no pin yet (then a publish that would move a mutable tag off another image warns)")]
    readonly string? LastKnownGood;

    [Parameter("Publish forward over a rollback: move the mutable tags although the last-known-good pin records a rollback (the pin then records this publish)")]
    readonly bool ReleaseRollback;


    /// <summary>The pin Publish reads: --last-known-good, else the one a local Publish or Rollback wrote.</summary>
    string PinSource => LastKnownGood is { Length: > 0 } given ? Path.GetFullPath(given) : Layout.LastKnownGoodPin;

    /// <summary>Whether this publish moves the mutable tags: not while the pin records a rollback. Reads the pin, changes no file.</summary>
    PinDecision DecideMutableTags(ReleaseManifest manifest)
    {
        var pin = File.Exists(PinSource) ? ReadPin(PinSource) : null;
        var decision = Pipeline.Rules.LastKnownGood.Decide(pin, manifest, PinSource, ReleaseRollback);
        if (!decision.Warn) Log.Information("{Note:l}", decision.Note);
        else
        {
            Log.Warning("{Note:l}", decision.Note);
            WriteStepSummary($"> **Warning:** {decision.Note}");
        }
        return decision;
    }

    LastKnownGoodPin ReadPin(string path) => Pipeline.Rules.LastKnownGood.Parse(File.ReadAllText(path), path, KnownPermutationIds);

    /// <summary>artifacts/lkg.json for CI to store (lkg tag or variable); only a run over the whole manifest moves the pin, and no pin (null) leaves it as it is.</summary>
    void WritePin(LastKnownGoodPin? pin, int actedOn)
    {
        if (pin is null) return;
        if (actedOn != pin.Manifest.Permutations.Count)
        {
            Log.Information("Not writing {Pin}: this run acted on {Count} of the manifest's {Total} permutations (--permutations); the pin covers whole manifests", Layout.LastKnownGoodPin, actedOn, pin.Manifest.Permutations.Count);
            return;
        }
        ArtifactsDirectory.CreateDirectory();
        File.WriteAllText(Layout.LastKnownGoodPin, Pipeline.Rules.LastKnownGood.Serialize(pin, KnownPermutationIds));
        Log.Information("Wrote the last-known-good pin {Pin} (pinned by {By}, {Sha})", Layout.LastKnownGoodPin, pin.PinnedBy.ToString().ToLowerInvariant(), pin.Manifest.Sha);
    }

    /// <summary>
    /// Up front: a rollback pin in artifacts/lkg.json that another --last-known-good would have Publish overwrite, unless
    /// --release-rollback says so; Publish never replaces a rollback pin it did not read.
    /// </summary>
    string? UnreadRollbackPinProblem()
    {
        if (ReleaseRollback || PinSource == Layout.LastKnownGoodPin || !File.Exists(Layout.LastKnownGoodPin)) return null;
        var local = ReadPin(Layout.LastKnownGoodPin);
        return local.PinnedBy != PinnedBy.Rollback ? null
            : $"{Layout.LastKnownGoodPin} records the rollback to {local.Manifest.Sha}, but --last-known-good names {PinSource}: drop --last-known-good (Publish then holds the mutable tags), " +
              "or pass --release-rollback to publish forward over the rollback.";
    }
}
