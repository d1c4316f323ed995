using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Host;

/// <summary>
/// Writes .nuke/build.schema.json in NUKE's format (draft-04, definitions + allOf, the layout NUKE's schema has
/// had since 8.1.4), so NUKE's global tool, shell completion and editors work on this repository.
/// </summary>
internal static class SchemaWriter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true, IndentSize = 2, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

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
        var schema = new JsonObject
        {
            ["$schema"] = "http://json-schema.org/draft-04/schema#",
            ["definitions"] = new JsonObject
            {
                ["Host"] = StringEnum(System.Enum.GetNames<HostKind>().Order(StringComparer.OrdinalIgnoreCase)),
                ["ExecutableTarget"] = StringEnum(targets.Select(t => t.Name).Order(StringComparer.OrdinalIgnoreCase)),
                ["Verbosity"] = new JsonObject { ["type"] = "string", ["description"] = "", ["enum"] = Array(["Verbose", "Normal", "Minimal", "Quiet"]) },
                ["NukeBuild"] = new JsonObject { ["properties"] = Properties(parameters.Where(p => p.IsBase)) },
            },
            ["allOf"] = new JsonArray(
                new JsonObject { ["properties"] = Properties(parameters.Where(p => !p.IsBase)) },
                new JsonObject { ["$ref"] = "#/definitions/NukeBuild" }),
        };
        return schema.ToJsonString(Options) + "\n";
    }

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());

    private static JsonObject StringEnum(IEnumerable<string> values) => new() { ["type"] = "string", ["enum"] = Array(values) };

    private static JsonObject Properties(IEnumerable<ParameterMember> parameters)
    {
        var properties = new JsonObject();
        foreach (var p in parameters) properties[p.Name] = Property(p);
        return properties;
    }

    /// <summary>Keys in NUKE's order: type, description, then format/enum/items, then default (secrets).</summary>
    private static JsonObject Property(ParameterMember p)
    {
        var description = p.Description?.TrimEnd('.');
        if (p.Name is "Verbosity" or "Host" && p.IsBase)
            return new JsonObject { ["description"] = description, ["$ref"] = $"#/definitions/{p.Name}" };
        var type = Nullable.GetUnderlyingType(p.Type) ?? p.Type;
        var node = new JsonObject { ["type"] = JsonType(p.Type) };
        if (description is not null) node["description"] = description;
        if (type == typeof(int)) node["format"] = "int32";
        if (type.IsArray)
            node["items"] = p.IsBase && p.Name is "Target" or "Skip"
                ? new JsonObject { ["$ref"] = "#/definitions/ExecutableTarget" }
                : HelpText.AllowedValues(type) is { } itemValues ? StringEnum(itemValues) : new JsonObject { ["type"] = JsonType(type.GetElementType()!) };
        else if (HelpText.AllowedValues(type) is { } values)
            node["enum"] = Array(values);
        if (p.IsSecret) node["default"] = "Secrets must be entered via 'nuke :secrets [profile]'";
        return node;
    }

    /// <summary>"string", "boolean", "integer", "array"; a nullable value type becomes [type, "null"].</summary>
    private static JsonNode JsonType(Type declared)
    {
        var underlying = Nullable.GetUnderlyingType(declared);
        var t = underlying ?? declared;
        var name = t.IsArray ? "array" : t == typeof(bool) ? "boolean" : t == typeof(int) ? "integer" : "string";
        return underlying is null ? JsonValue.Create(name) : new JsonArray(name, "null");
    }
}
