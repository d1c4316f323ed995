using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Rules;

/// <summary>
/// Renders a <see cref="BakePlan"/> as the per-run bake override file (<c>artifacts/bake.override.json</c>, passed as a
/// second <c>-f</c>). Every key is set explicitly on both targets of a permutation, so a validate target that
/// <c>inherits</c> the image target can never inherit its tags, outputs or cache writes.
/// </summary>
public static class BakeOverride
{
    /// <summary>BuildKit's frontend switch for "always export an image index", whatever the platform count.</summary>
    public const string MultiPlatformArg = "BUILDKIT_MULTI_PLATFORM";

    public static string Render(BakePlan plan)
    {
        var targets = new JsonObject();
        foreach (var p in plan.Permutations)
        {
            var args = new JsonObject
            {
                // An image index even for one platform: Publish, signing and a later per-platform merge then treat
                // every archive alike, and the digest that is signed is always the index's.
                [MultiPlatformArg] = "1",
            };
            // The packages snapshot (ImageFreshness): the Dockerfile declares it right before its package layer.
            if (p.Labels.TryGetValue(PackageSnapshot.LabelKey, out var snapshot)) args[PackageSnapshot.BuildArg] = snapshot;
            // Every external image pinned to the digest that was resolved and is recorded (labels, provenance), whatever
            // ARG or literal names it: BuildKit takes a named context in place of the FROM / --from reference.
            var contexts = new JsonObject(p.Images.External.Where(i => BaseImage.DigestIn(i.Reference) is null).DistinctBy(i => i.ContextKey)
                .Select(i => KeyValuePair.Create(i.ContextKey, (JsonNode?)("docker-image://" + i.Pinned))));
            targets[p.Permutation.BakeTarget] = new JsonObject
            {
                ["args"] = args,
                ["contexts"] = contexts,
                ["platforms"] = Array(p.Platforms),
                // No names in the archive: the oci exporter writes one index.json entry per tag, and an archive must
                // hold exactly one image. Publish applies the TagPolicy's tags (bake-plan.txt lists them) by digest.
                ["tags"] = Array([]),
                ["labels"] = new JsonObject(p.Labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))),
                ["annotations"] = Array(p.Annotations),
                ["cache-from"] = Array(p.Cache.From),
                ["cache-to"] = Array(p.Cache.To),
                // Straight to a registry, untagged (ImageExport), or one OCI archive (an image index) renamed into place once complete.
                ["output"] = Array([p.Output.Output]),
                // buildx's default provenance carries timestamps and ids that change every run; the pipeline attests its own SLSA provenance at Publish.
                ["attest"] = Array(["type=provenance,disabled=true"]),
            };
            targets[p.Permutation.ValidateBakeTarget] = new JsonObject
            {
                ["args"] = args.DeepClone(),
                ["contexts"] = contexts.DeepClone(),
                ["platforms"] = Array(p.Platforms),
                ["tags"] = Array([]),
                ["annotations"] = Array([]),
                ["cache-from"] = Array(p.Cache.From),
                ["cache-to"] = Array([]),
                ["output"] = Array(["type=cacheonly"]),
                ["attest"] = Array(["type=provenance,disabled=true"]),
            };
        }
        return new JsonObject { ["target"] = targets }.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
