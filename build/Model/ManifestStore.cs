using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using NJsonSchema;

namespace Pipeline.Model;

/// <summary>A manifest was refused: the message is one line naming the problem and the fix.</summary>
public sealed class InvalidManifestException(string message) : Exception(message);

/// <summary>
/// Reads and writes manifest.json, validating against the committed versioned schema on both sides, and checks
/// the semantic rules a schema cannot express (known permutation ids, no duplicates).
/// </summary>
public static class ManifestStore
{
    public const string SchemaResource = "manifest.v1.schema.json";

    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        using var stream = typeof(ManifestStore).Assembly.GetManifestResourceStream(SchemaResource)
            ?? throw new InvalidOperationException($"Embedded schema {SchemaResource} is missing from the build assembly.");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromJsonAsync(reader.ReadToEnd()).GetAwaiter().GetResult();
    });

    public static string SchemaText()
    {
        using var stream = typeof(ManifestStore).Assembly.GetManifestResourceStream(SchemaResource)!;
        return new StreamReader(stream).ReadToEnd();
    }

    public static string Serialize(ReleaseManifest manifest, IEnumerable<string> knownIds)
    {
        var json = JsonSerializer.Serialize(manifest, Options).Replace("\r\n", "\n") + "\n";
        Validate(json, "the manifest being written", knownIds);
        return json;
    }

    public static void Write(string path, ReleaseManifest manifest, IEnumerable<string> knownIds)
    {
        var json = Serialize(manifest, knownIds);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, json);
    }

    public static ReleaseManifest Read(string path, IEnumerable<string> knownIds)
    {
        if (!File.Exists(path))
            throw new InvalidManifestException($"Manifest '{path}' does not exist; run the Manifest target or pass --manifest <path to manifest.json>.");
        return Parse(File.ReadAllText(path), path, knownIds);
    }

    public static ReleaseManifest Parse(string json, string source, IEnumerable<string> knownIds)
    {
        Validate(json, source, knownIds);
        return JsonSerializer.Deserialize<ReleaseManifest>(json, Options)!;
    }

    /// <summary>NJsonSchema nests errors under the array item or property that holds them; the leaves name the real problem.</summary>
    static IEnumerable<NJsonSchema.Validation.ValidationError> Leaves(IEnumerable<NJsonSchema.Validation.ValidationError> errors) =>
        errors.SelectMany(e => e is NJsonSchema.Validation.ChildSchemaValidationError child && child.Errors.Count > 0
            ? Leaves(child.Errors.SelectMany(pair => pair.Value))
            : [e]);

    static void Validate(string json, string source, IEnumerable<string> knownIds)
    {
        ICollection<NJsonSchema.Validation.ValidationError> errors;
        try { errors = Schema.Value.Validate(json); }
        catch (JsonException e) { throw new InvalidManifestException($"Manifest {source} is not valid JSON ({e.Message}); regenerate it with the Manifest target."); }
        catch (Newtonsoft.Json.JsonException e) { throw new InvalidManifestException($"Manifest {source} is not valid JSON ({e.Message}); regenerate it with the Manifest target."); }
        if (errors.Count > 0)
        {
            var first = Leaves(errors).OrderBy(e => e.Path, StringComparer.Ordinal).First();
            throw new InvalidManifestException(
                $"Manifest {source} fails schema {SchemaResource}: {first.Kind} at {first.Path ?? "#"} ({errors.Count} error(s)); regenerate it with the Manifest target.");
        }
        using var document = JsonDocument.Parse(json);
        var known = knownIds.ToHashSet();
        var seen = new HashSet<string>();
        foreach (var entry in document.RootElement.GetProperty("permutations").EnumerateArray())
        {
            var id = entry.GetProperty("id").GetString()!;
            if (!known.Contains(id))
                throw new InvalidManifestException(
                    $"Manifest {source} names unknown permutation '{id}' (known: {string.Join(", ", known.Order())}); use a manifest written by this build.");
            if (!seen.Add(id))
                throw new InvalidManifestException($"Manifest {source} lists permutation '{id}' twice; regenerate it with the Manifest target.");
        }
    }
}
