using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Rules;

/// <summary>
/// What <c>bake --print -f static -f override</c> prints, computed from the static file's print and the override:
/// buildx merges a later file's target into the earlier one key by key, a map (args, labels, contexts) key by key,
/// cache-from appended to (buildx's Target.Merge: "merge"; an empty list leaves the earlier one, as buildx 0.13 prints it)
/// and any other value (tags, cache-to, output, …) replaced whole, an empty list included. The cache-poisoning
/// guard checks this instead of asking buildx a second time — but only for a bake file for which buildx's own merge
/// was seen to agree (<see cref="Agrees"/>; see <see cref="BakePrintCache"/>).
/// </summary>
public static class BakeMerge
{
    static readonly HashSet<string> MapAttributes = ["args", "labels", "contexts"];

    public static string Apply(string staticPrint, string overrideJson)
    {
        var merged = JsonNode.Parse(staticPrint)!.AsObject();
        var targets = merged["target"] as JsonObject ?? (JsonObject)(merged["target"] = new JsonObject());
        var overrides = JsonNode.Parse(overrideJson)!["target"] as JsonObject ?? [];
        foreach (var (name, overrideTarget) in overrides)
        {
            var target = targets[name] as JsonObject ?? (JsonObject)(targets[name] = new JsonObject());
            foreach (var (key, value) in overrideTarget!.AsObject())
            {
                if (MapAttributes.Contains(key) && value is JsonObject map)
                {
                    var into = target[key] as JsonObject ?? (JsonObject)(target[key] = new JsonObject());
                    foreach (var (entry, entryValue) in map) into[entry] = entryValue?.DeepClone();
                }
                else if (key == "cache-from" && value is JsonArray imports)
                {
                    // Appended, so a bake file's own cache-from survives the override (the guard must see it).
                    var into = target[key] as JsonArray ?? [];
                    foreach (var entry in imports.Where(e => !into.Any(i => JsonNode.DeepEquals(i, e)))) into.Add(entry?.DeepClone());
                    if (into.Count > 0 && into.Parent is null) target[key] = into;
                }
                else if (value is JsonArray { Count: 0 }) target.Remove(key); // buildx prints no empty list
                else target[key] = value?.DeepClone();
            }
        }
        return merged.ToJsonString();
    }

    /// <summary>
    /// True when two definitions say the same about every target the guard and the plan read: args, platforms, tags,
    /// cache-from, cache-to, output, stage, context and Dockerfile. An entry's fields may come in another order (newer
    /// buildx prints cache entries as objects), so each entry is compared as its set of fields.
    /// </summary>
    public static bool Agrees(BakeDefinition computed, BakeDefinition printed) =>
        computed.Targets.Keys.Order(StringComparer.Ordinal).SequenceEqual(printed.Targets.Keys.Order(StringComparer.Ordinal))
        && computed.Targets.All(t => Agrees(t.Value, printed.Targets[t.Key]));

    static bool Agrees(BakeTarget a, BakeTarget b) =>
        a.Args.Count == b.Args.Count && a.Args.All(arg => b.Args.TryGetValue(arg.Key, out var value) && value == arg.Value)
        && Same(a.Platforms, b.Platforms) && Same(a.Tags, b.Tags) && Same(a.CacheFrom, b.CacheFrom) && Same(a.CacheTo, b.CacheTo)
        && Same(a.Output, b.Output) && a.Stage == b.Stage && a.Context == b.Context && a.Dockerfile == b.Dockerfile;

    static bool Same(IReadOnlyList<string> a, IReadOnlyList<string> b) => a.Select(Fields).SequenceEqual(b.Select(Fields));

    static string Fields(string entry) => string.Join(",", entry.Split(',').Order(StringComparer.Ordinal));
}
