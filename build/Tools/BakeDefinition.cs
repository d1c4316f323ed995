using System.Text.Json;

namespace Pipeline.Tools;

/// <summary>One target of a bake definition as <c>bake --print</c> reports it (after merging every -f file).</summary>
public sealed record BakeTarget(
    string Name,
    IReadOnlyDictionary<string, string> Args,
    IReadOnlyList<string> Platforms,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> CacheFrom,
    IReadOnlyList<string> CacheTo,
    IReadOnlyList<string> Output,
    string? Stage)
{
    /// <summary>The build context, relative to the bake file's directory (bake's default ".").</summary>
    public string Context { get; init; } = ".";

    /// <summary>The Dockerfile, relative to the context (bake's default "Dockerfile").</summary>
    public string Dockerfile { get; init; } = "Dockerfile";

    /// <summary>The Dockerfile's full path, for a bake file in <paramref name="bakeDirectory"/>.</summary>
    public string DockerfilePath(string bakeDirectory) => Path.GetFullPath(Path.Combine(bakeDirectory, Context, Dockerfile));
}

/// <summary>The JSON printed by <c>docker buildx bake --print</c>: groups and targets.</summary>
public sealed record BakeDefinition(IReadOnlyDictionary<string, IReadOnlyList<string>> Groups, IReadOnlyDictionary<string, BakeTarget> Targets)
{
    public static BakeDefinition Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var groups = new Dictionary<string, IReadOnlyList<string>>();
        if (root.TryGetProperty("group", out var groupElement))
            foreach (var group in groupElement.EnumerateObject())
                groups[group.Name] = Strings(group.Value, "targets");
        var targets = new Dictionary<string, BakeTarget>();
        if (root.TryGetProperty("target", out var targetElement))
            foreach (var target in targetElement.EnumerateObject())
            {
                var args = target.Value.TryGetProperty("args", out var a) && a.ValueKind == JsonValueKind.Object
                    ? a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
                    : new Dictionary<string, string>();
                targets[target.Name] = new BakeTarget(target.Name, args, Strings(target.Value, "platforms"), Strings(target.Value, "tags"),
                    Strings(target.Value, "cache-from"), Strings(target.Value, "cache-to"), Strings(target.Value, "output"),
                    target.Value.TryGetProperty("target", out var stage) ? stage.GetString() : null)
                {
                    Context = target.Value.TryGetProperty("context", out var context) ? context.GetString() ?? "." : ".",
                    Dockerfile = target.Value.TryGetProperty("dockerfile", out var dockerfile) ? dockerfile.GetString() ?? "Dockerfile" : "Dockerfile",
                };
            }
        return new BakeDefinition(groups, targets);
    }

    // Newer buildx prints cache entries as objects ({"type":"registry","ref":…}); render them in the CSV form.
    private static IReadOnlyList<string> Strings(JsonElement element, string property) =>
        element.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Object
                ? string.Join(",", e.EnumerateObject().Select(p => $"{p.Name}={p.Value}"))
                : e.GetString() ?? "").ToList()
            : [];
}
