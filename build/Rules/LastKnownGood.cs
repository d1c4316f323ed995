using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Rules;

/// <summary>Who moved the pin last: a verified publish, or a rollback (which holds the mutable tags where it put them).</summary>
public enum PinnedBy { Publish, Rollback }

/// <summary>
/// The last-known-good pin (<c>artifacts/lkg.json</c>; CI keeps it as the message of the annotated git tag <c>lkg</c>, or in
/// the repository variable DEVCONTAINER_LKG): the manifest the mutable tags point at and what put them there.
/// </summary>
public sealed record LastKnownGoodPin(PinnedBy PinnedBy, ReleaseManifest Manifest);

/// <summary>
/// What a publish does about the pin: whether its mutable tags may move, the pin to write after it (null: the pin is
/// left as it is), why (one line), and whether that is worth a warning (tags held, or nothing tagged).
/// </summary>
/// <param name="NoPin">No pin was read (none at the pin source): nothing here says whether a rollback holds the tags.</param>
/// <param name="HeldBy">The rollback pin that holds the mutable tags where it put them, when it does.</param>
public sealed record PinDecision(bool MoveMutableTags, LastKnownGoodPin? NewPin, string Note, bool Warn = false, bool NoPin = false,
    LastKnownGoodPin? HeldBy = null)
{
    /// <summary>For the publish's row in the summary table: that its mutable tags were held, and by which rollback.</summary>
    public string? SummaryNote => HeldBy is { } pin ? $"mutable tags held by the rollback to {pin.Manifest.Sha[..Math.Min(12, pin.Manifest.Sha.Length)]}" : null;
}

/// <summary>
/// Pure: reads and writes pins, and decides whether a publish may move the mutable tags. A publish after a rollback
/// does not silently undo it: while the pin says "rollback", Publish pushes, signs, attests and writes its immutable
/// tags but leaves every mutable tag where the rollback put it, says so, and keeps the pin; --release-rollback (or, in
/// CI, moving the pin: deleting the <c>lkg</c> tag or the variable) releases the hold. A manifest without mutable tags
/// (a local, pull-request or uncommitted build; a prerelease) moves no tag and leaves the pin as it is.
/// </summary>
public static class LastKnownGood
{
    public const int SchemaVersion = 1;

    /// <summary>How a held publish is released: locally with the flag, in CI by moving the stored pin.</summary>
    public const string ReleaseHint =
        "To publish forward, run Publish again with --release-rollback (locally: it moves the pin), or in CI move the pin " +
        "(delete the `lkg` tag or the DEVCONTAINER_LKG variable) and re-run the publish.";

    /// <param name="pin">The pin read from <paramref name="pinSource"/>, or null when there is none yet.</param>
    public static PinDecision Decide(LastKnownGoodPin? pin, ReleaseManifest publishing, string pinSource, bool releaseRollback = false)
    {
        if (!publishing.Permutations.Any(p => p.Tags.Any(t => t.Mutable)))
            return new(false, null, $"{NoMutableTags(publishing)}; {(pin is null ? "no last-known-good pin is written" : $"the last-known-good pin {pinSource} stays at {pin.Manifest.Sha}")}.", Warn: true);
        if (pin is { PinnedBy: PinnedBy.Rollback } && !releaseRollback)
            return new(false, null,
                $"The mutable tags are held by the rollback to {pin.Manifest.Sha} ({pin.Manifest.Ref}) recorded in the last-known-good pin {pinSource}: this publish of {publishing.Sha} " +
                $"pushes, signs, attests and writes its immutable tags only. {ReleaseHint}", Warn: true, HeldBy: pin);
        var note = pin switch
        {
            null => $"No last-known-good pin yet ({pinSource} does not exist; a pin kept elsewhere is passed with --last-known-good <lkg.json>): "
                    + $"{publishing.Sha} becomes it once verified.",
            { PinnedBy: PinnedBy.Rollback } => $"--release-rollback: the rollback to {pin.Manifest.Sha} recorded in {pinSource} is released; the mutable tags move to {publishing.Sha}, which becomes the pin once verified.",
            _ when pin.Manifest.Sha == publishing.Sha => $"The last-known-good pin {pinSource} is unchanged: it is already {publishing.Sha}, which this publish verifies again.",
            _ => $"The last-known-good pin {pinSource} moves from {pin.Manifest.Sha} to {publishing.Sha} once verified.",
        };
        return new(true, new LastKnownGoodPin(PinnedBy.Publish, publishing), note, NoPin: pin is null);
    }

    /// <summary>
    /// The warning when a publish that read no pin would move mutable tags that point at another image now: a rollback
    /// recorded in another artifacts folder, clone or machine is invisible here and would be undone. Null when there is a pin,
    /// the tags are held, or no mutable tag points elsewhere (a first publish, or one of the image they already point at).
    /// </summary>
    public static string? UnpinnedOverwrite(PinDecision decision, string pinSource, IEnumerable<TagChange> changes)
    {
        if (!decision.NoPin || !decision.MoveMutableTags) return null;
        var overwritten = changes.Where(c => c.Tag.IsMutable && c.Moves && c.Current is not null).ToList();
        if (overwritten.Count == 0) return null;
        var first = overwritten[0];
        return $"No last-known-good pin was read ({pinSource} does not exist), and this publish moves {overwritten.Count} mutable tag(s) that point at "
               + $"another image now ({first}{(overwritten.Count > 1 ? $", and {overwritten.Count - 1} more" : "")}): if a Rollback put them there from "
               + "another artifacts folder, clone or machine, this undoes it. To keep a rollback, pass its pin with --last-known-good <lkg.json> "
               + "(CI keeps it as the lkg tag or DEVCONTAINER_LKG; README, Rollback).";
    }

    /// <summary>Why a manifest moves no tag: built from uncommitted changes, not tagged by the tag policy, or only immutable tags.</summary>
    static string NoMutableTags(ReleaseManifest manifest)
    {
        if (manifest.Permutations.Any(p => p.Tags.Count > 0))
            return $"No mutable tag moves: the manifest of {manifest.Sha} ({manifest.Ref}) has only immutable tags (a prerelease gets only its full version tag), which are written";
        if (manifest.Dirty)
            return $"No tag moves: {manifest.Sha} was built from uncommitted changes (--allow-dirty) and a tag names a commit, so the images are pushed, signed and attested by digest only";
        return $"No tag moves: the manifest of {manifest.Sha} ({manifest.Ref}, {manifest.Event}) has no tags (only builds of the default branch or a release tag " +
               "are tagged), so the images are pushed, signed and attested by digest only";
    }

    /// <summary>The one line for a --manifest that is not there: which file, and where the manifest of a release to roll back to comes from.</summary>
    public static string MissingRollbackManifest(string flagValue, string fullPath) =>
        $"Rollback --manifest {flagValue}: {fullPath} does not exist; pass the manifest of the release to roll back to: the published-manifest "
        + "artifact of its publishing run (gh run download <run-id> -n published-manifest), or a last-known-good pin (artifacts/lkg.json, which "
        + "Publish and Rollback write; in CI the lkg tag: git fetch origin tag lkg && git tag -l --format='%(contents)' lkg > lkg.json) (README, Rollback).";

    /// <summary>Rollback moves mutable tags: a manifest without any (a local or pull-request build) is refused, naming the fix.</summary>
    public static string? RollbackProblem(ReleaseManifest manifest, string source) =>
        manifest.Permutations.Any(p => p.Tags.Any(t => t.Mutable)) ? null
            : $"Rollback refused: {source} ({manifest.Sha}, {manifest.Ref}) has no mutable tags to move back (it was built locally, from a pull request or " +
              "from uncommitted changes); pass the manifest of a published default-branch or release build (README, Rollback).";

    public static string Serialize(LastKnownGoodPin pin, IEnumerable<string> knownIds)
    {
        var manifest = JsonNode.Parse(ManifestStore.Serialize(pin.Manifest, knownIds))!;
        var json = new JsonObject
        {
            ["schemaVersion"] = SchemaVersion,
            ["pinnedBy"] = pin.PinnedBy.ToString().ToLowerInvariant(),
            ["sha"] = pin.Manifest.Sha,
            ["manifest"] = manifest,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>A pin file, or a plain manifest.json (what Rollback was always given): a manifest counts as pinned by a publish.</summary>
    public static LastKnownGoodPin Parse(string json, string source, IEnumerable<string> knownIds)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException e) { throw new InvalidManifestException($"Last-known-good pin {source} is not valid JSON ({e.Message}); pass a manifest.json or an lkg.json written by Publish or Rollback."); }
        if (root is JsonObject o && o["manifest"] is JsonObject manifest)
        {
            var by = (string?)o["pinnedBy"] switch
            {
                "publish" => PinnedBy.Publish,
                "rollback" => PinnedBy.Rollback,
                var other => throw new InvalidManifestException($"Last-known-good pin {source} has pinnedBy '{other}'; expected publish or rollback (write it with Publish or Rollback)."),
            };
            return new LastKnownGoodPin(by, ManifestStore.Parse(manifest.ToJsonString(), source, knownIds));
        }
        return new LastKnownGoodPin(PinnedBy.Publish, ManifestStore.Parse(json, source, knownIds));
    }
}
