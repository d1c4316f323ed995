using Pipeline.Host;
using Serilog;

/// <summary>
/// The last-known-good pin (artifacts/lkg.json): written by a Publish that moved the mutable tags and by Rollback; while
/// it records a rollback, Publish moves no mutable tag.
/// </summary>
partial class Build
{
    [Parameter("The last-known-good pin (lkg.json written by Publish or Rollback; CI reads it from the lkg tag or DEVCONTAINER_LKG). While it records a rollback, Publish moves no mutable tag; a missing file means no pin yet")]
    readonly string? LastKnownGood;

    AbsolutePath PinFile => ArtifactsDirectory / "lkg.json";

    /// <summary>Whether this publish moves the mutable tags: not while the last-known-good pin records a rollback.</summary>
    PinDecision DecideMutableTags(ReleaseManifest manifest)
    {
        File.Delete(PinFile); // only a publish that moved the mutable tags leaves a pin to store
        var pin = LastKnownGood is not null && File.Exists(LastKnownGood) ? ReadPin(LastKnownGood) : null;
        var decision = Pipeline.Rules.LastKnownGood.Decide(pin, manifest);
        if (decision.MoveMutableTags) Log.Information("{Note:l}", decision.Note);
        else
        {
            Log.Warning("{Note:l}", decision.Note);
            WriteStepSummary($"> **Warning:** {decision.Note}");
        }
        return decision;
    }

    LastKnownGoodPin ReadPin(string path) => Pipeline.Rules.LastKnownGood.Parse(File.ReadAllText(path), path, KnownPermutationIds);

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
        File.WriteAllText(PinFile, Pipeline.Rules.LastKnownGood.Serialize(pin, KnownPermutationIds));
        Log.Information("Wrote the last-known-good pin {Pin} (pinned by {By}, {Sha})", PinFile, pin.PinnedBy.ToString().ToLowerInvariant(), pin.Manifest.Sha);
    }
}
