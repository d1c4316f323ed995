using System.Globalization;
using System.Text.Json;

namespace Pipeline.Retention.Oci;

/// <summary>Reads the parts of an OCI / Docker manifest, index or image config that retention needs.</summary>
public static class ManifestParser
{
    public const string CreatedAnnotation = "org.opencontainers.image.created";

    /// <summary>When BuildKit wrote a cache blob: the age of a registry cache index is its newest blob's.</summary>
    public const string BuildKitCreatedAnnotation = "buildkit/createdat";

    public sealed record Parsed(ManifestInfo Info, string? ConfigDigest, string? ConfigMediaType);

    public static Parsed Parse(string digest, string json, string? contentType)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var mediaType = String(root, "mediaType") ?? contentType ?? OciMediaTypes.ImageManifest;
        var entries = root.TryGetProperty("manifests", out var manifests) && manifests.ValueKind == JsonValueKind.Array
            ? manifests.EnumerateArray().ToList()
            : [];
        // BuildKit's registry cache is an index whose entries are layer blobs and its cache config, not manifests:
        // only manifest entries are children (asking the registry for a blob as a manifest is an error, not absence).
        var children = entries.Where(IsManifestEntry).Select(m => String(m, "digest")).OfType<string>().ToList();
        var newestBlob = entries.Where(m => !IsManifestEntry(m)).Select(m => Timestamp(String(Property(m, "annotations"), BuildKitCreatedAnnotation))).Max();
        var subject = root.TryGetProperty("subject", out var s) ? String(s, "digest") : null;
        string? configDigest = null, configMediaType = null;
        if (root.TryGetProperty("config", out var config))
        {
            configDigest = String(config, "digest");
            configMediaType = String(config, "mediaType");
        }
        var artifactType = String(root, "artifactType") ?? (IsImageConfig(configMediaType) ? null : configMediaType);
        var created = (root.TryGetProperty("annotations", out var annotations) ? Timestamp(String(annotations, CreatedAnnotation)) : null) ?? newestBlob;
        return new Parsed(new ManifestInfo(digest, mediaType, children, subject, artifactType, created), configDigest, configMediaType);
    }

    /// <summary>The image config's <c>created</c> (set by BuildKit from SOURCE_DATE_EPOCH when given).</summary>
    public static DateTimeOffset? CreatedFromConfig(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Timestamp(String(document.RootElement, "created"));
    }

    public static bool IsImageConfig(string? mediaType) => mediaType is OciMediaTypes.ImageConfig or OciMediaTypes.DockerConfig;

    /// <summary>The referrers API answer (an image index) as subject-attached digests.</summary>
    public static IReadOnlyList<string> ReferrerDigests(string json) => Parse("", json, OciMediaTypes.ImageIndex).Info.Children;

    /// <summary>An index entry that is a manifest or index (a descriptor without a media type is taken as one: conservative).</summary>
    private static bool IsManifestEntry(JsonElement entry) =>
        String(entry, "mediaType") is not { } type || OciMediaTypes.AcceptedManifests.Contains(type);

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>cosign writes "0001-01-01T00:00:00Z" into its artifacts' configs: that means unknown, not ancient.</summary>
    private static DateTimeOffset? Timestamp(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) && value.Year > 1970 ? value : null;
}
