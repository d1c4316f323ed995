using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Host;

/// <summary>
/// Writes .nuke/build.schema.json in NUKE's format (draft-04, definitions + allOf), so NUKE's global tool,
/// shell completion and editors work on this repository.
/// </summary>
internal static class SchemaWriter
{
    public static void Write(AbsolutePath path, IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterMember> parameters)
    {
        var text = Render(targets, parameters);
        Directory.CreateDirectory(path.Parent);
        if (!path.FileExists() || File.ReadAllText(path) != text) File.WriteAllText(path, text);
        var parametersFile = path.Parent / "parameters.json";
        if (!parametersFile.FileExists()) File.WriteAllText(parametersFile, "{\n  \"$schema\": \"./build.schema.json\"\n}\n");
    }

    public static string Render(IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterMember> parameters)
    {
        var baseNames = ParameterMember.Discover(typeof(NukeBuild)).Select(p => p.Name).ToHashSet();
        var definitions = new JsonObject
        {
            ["ExecutableTarget"] = Enum(targets.Select(t => t.Name)),
            ["Host"] = Enum(System.Enum.GetNames<HostKind>()),
            ["NukeBuild"] = new JsonObject { ["properties"] = Properties(parameters.Where(p => baseNames.Contains(p.Name))) },
            ["Verbosity"] = Enum(System.Enum.GetNames<Verbosity>()),
        };
        var schema = new JsonObject
        {
            ["$schema"] = "http://json-schema.org/draft-04/schema#",
            ["definitions"] = definitions,
            ["allOf"] = new JsonArray(
                new JsonObject { ["properties"] = Properties(parameters.Where(p => !baseNames.Contains(p.Name))) },
                new JsonObject { ["$ref"] = "#/definitions/NukeBuild" }),
        };
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 2, NewLine = "\n" }) + "\n";
    }

    private static JsonObject Enum(IEnumerable<string> values) =>
        new() { ["type"] = "string", ["enum"] = new JsonArray(values.Order(StringComparer.Ordinal).Select(v => (JsonNode)v).ToArray()) };

    private static JsonObject Properties(IEnumerable<ParameterMember> parameters)
    {
        var properties = new JsonObject();
        foreach (var p in parameters.OrderBy(p => p.Name, StringComparer.Ordinal)) properties[p.Name] = Property(p);
        return properties;
    }

    private static JsonObject Property(ParameterMember p)
    {
        var node = TypeNode(p.Type, p.Name);
        if (p.Description is { } d) node["description"] = d.TrimEnd('.');
        if (p.IsSecret) node["default"] = "Secrets must be entered via 'nuke :secrets [profile]'";
        return new JsonObject(node.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
    }

    private static JsonObject TypeNode(Type type, string name)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        var t = nullable ?? type;
        if (t.IsArray) return new JsonObject { ["type"] = "array", ["items"] = TypeNode(t.GetElementType()!, name) };
        if (name is "Target" or "Skip" && t == typeof(string)) return new JsonObject { ["$ref"] = "#/definitions/ExecutableTarget" };
        if (t == typeof(Verbosity)) return new JsonObject { ["$ref"] = "#/definitions/Verbosity" };
        if (t == typeof(HostKind)) return new JsonObject { ["$ref"] = "#/definitions/Host" };
        if (HelpText.AllowedValues(t) is { } allowed)
            return new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(allowed.Select(v => (JsonNode)v).ToArray()) };
        JsonNode Type(string json) => nullable is null ? json : new JsonArray(json, "null");
        if (t == typeof(bool)) return new JsonObject { ["type"] = Type("boolean") };
        if (t == typeof(int)) return new JsonObject { ["type"] = Type("integer"), ["format"] = "int32" };
        return new JsonObject { ["type"] = Type("string") };
    }
}
