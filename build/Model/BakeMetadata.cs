using System.Text.Json;

namespace Pipeline.Model;

/// <summary>Reads buildx's <c>--metadata-file</c>: per target, the image (index) digest it produced.</summary>
public static class BakeMetadata
{
    public static IReadOnlyDictionary<string, string> Digests(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject()
            .Where(t => t.Value.ValueKind == JsonValueKind.Object && t.Value.TryGetProperty("containerimage.digest", out _))
            .ToDictionary(t => t.Name, t => t.Value.GetProperty("containerimage.digest").GetString()!);
    }
}
