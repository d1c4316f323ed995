using System.Text.Json;

namespace Pipeline.Model;

/// <summary>Reads buildx's <c>--metadata-file</c>: per target, the image (index) digest it produced, and the cache manifest it exported.</summary>
public static class BakeMetadata
{
    public static IReadOnlyDictionary<string, string> Digests(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject()
            .Where(t => t.Value.ValueKind == JsonValueKind.Object && t.Value.TryGetProperty("containerimage.digest", out _))
            .ToDictionary(t => t.Name, t => t.Value.GetProperty("containerimage.digest").GetString()!);
    }

    /// <summary>
    /// Per target, the digest of the cache manifest its cache export wrote: BuildKit's exporter response <c>cache.manifest</c>
    /// (an OCI descriptor as a JSON string), which buildx copies into the metadata file. Targets without it exported none.
    /// </summary>
    public static IReadOnlyDictionary<string, string> CacheManifestDigests(string json)
    {
        using var document = JsonDocument.Parse(json);
        var digests = new Dictionary<string, string>();
        foreach (var target in document.RootElement.EnumerateObject().Where(t => t.Value.ValueKind == JsonValueKind.Object))
        {
            if (!target.Value.TryGetProperty("cache.manifest", out var descriptor) || descriptor.ValueKind != JsonValueKind.String) continue;
            using var parsed = JsonDocument.Parse(descriptor.GetString()!);
            if (parsed.RootElement.TryGetProperty("digest", out var digest) && digest.GetString() is { } value) digests[target.Name] = value;
        }
        return digests;
    }
}
