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

/// <summary>What a publish does about the pin: whether its mutable tags may move, the pin to write after it, and why.</summary>
public sealed record PinDecision(bool MoveMutableTags, LastKnownGoodPin? NewPin, string Note);

/// <summary>
/// Pure: reads and writes pins, and decides whether a publish may move the mutable tags. A publish after a rollback
/// does not silently undo it: while the pin says "rollback", Publish pushes, signs, attests and writes its immutable
/// tags but leaves every mutable tag where the rollback put it, says so, and keeps the pin; moving the pin (deleting the
/// <c>lkg</c> tag or the variable, or pinning a published manifest) releases the hold.
/// </summary>
public static class LastKnownGood
{
    public const int SchemaVersion = 1;

    public static PinDecision Decide(LastKnownGoodPin? pin, ReleaseManifest publishing)
    {
        if (pin is { PinnedBy: PinnedBy.Rollback })
            return new(false, null,
                $"The mutable tags are held by the rollback to {pin.Manifest.Sha} ({pin.Manifest.Ref}) recorded in the last-known-good pin: this publish of {publishing.Sha} " +
                "pushes, signs, attests and writes its immutable tags only. To publish forward, move the pin (delete the `lkg` tag or the DEVCONTAINER_LKG variable) and run the publish again.");
        return new(true, new LastKnownGoodPin(PinnedBy.Publish, publishing),
            pin is null ? $"No last-known-good pin yet: {publishing.Sha} becomes it once verified." : $"The last-known-good pin moves from {pin.Manifest.Sha} to {publishing.Sha} once verified.");
    }

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
