using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Model;

/// <summary>
/// The small versioned JSON records one job writes for another (bake-plan.json, pushed/&lt;id&gt;.json): camelCase,
/// indented, LF, derived properties left out; a file that is not such a record, or of another schema version, is refused
/// with one line naming the file and the fix.
/// </summary>
public static class RecordFile
{
    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        IgnoreReadOnlyProperties = true, // derived properties (ImageTag.Tag, ResolvedImage.Pinned, PushedImage.Reference...) are not data
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Serialize<T>(T record) => JsonSerializer.Serialize(record, Options).Replace("\r\n", "\n") + "\n";

    public static void Write<T>(string path, T record)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, Serialize(record));
    }

    /// <param name="what">The record's name in the error lines, e.g. "a bake record".</param>
    /// <param name="complete">Why the parsed record is incomplete (its required fields), or null when it is complete.</param>
    /// <param name="rewrite">The fix: what writes the record again, e.g. "re-run Bake".</param>
    public static T Parse<T>(string json, string source, string what, int schemaVersion, Func<T, int> versionOf, Func<T, string?> complete, string rewrite) where T : class
    {
        T? record;
        try { record = JsonSerializer.Deserialize<T>(json, Options); }
        catch (JsonException e) { throw new InvalidOperationException($"{source} is not {what} ({e.Message.Split('\n')[0]}); {rewrite} to write it again."); }
        if ((record is null ? "empty" : complete(record)) is { } missing)
            throw new InvalidOperationException($"{source} is not {what} ({missing}); {rewrite} to write it again.");
        if (versionOf(record!) is var version && version != schemaVersion)
            throw new InvalidOperationException($"{source} is {what} of schema {version}, this build reads {schemaVersion}; {rewrite} with this build.");
        return record!;
    }
}
