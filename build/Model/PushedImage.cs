using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Model;

/// <summary>Where Bake leaves each image it builds.</summary>
public enum ImageOutput
{
    /// <summary>An OCI archive under artifacts/images/ (what Scan, Sbom, Manifest and Publish read; PR jobs upload it).</summary>
    Archive,
    /// <summary>
    /// Pushed untagged by digest to the image repository and recorded in artifacts/pushed/&lt;id&gt;.json; no archive is
    /// kept. CI's per-platform jobs on a push do this, so only small files travel as artifacts; MergePlatforms reads the
    /// images back by digest. Nothing is published: Publish tags and signs later.
    /// </summary>
    PushByDigest,
}

/// <summary>One image Bake pushed by digest (untagged): which permutation and platforms, where, and its index digest.</summary>
public sealed record PushedImage(int SchemaVersion, string Permutation, IReadOnlyList<string> Platforms, string Repository, string Digest)
{
    public const int CurrentSchemaVersion = 1;

    public string Reference => $"{Repository}@{Digest}";
}

/// <summary>Reads and writes artifacts/pushed/&lt;id&gt;.json; a file that is not such a record is refused with one line.</summary>
public static class PushedImageStore
{
    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        IgnoreReadOnlyProperties = true, // Reference is derived, not data
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Serialize(PushedImage image) => JsonSerializer.Serialize(image, Options).Replace("\r\n", "\n") + "\n";

    public static void Write(string path, PushedImage image)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, Serialize(image));
    }

    public static PushedImage Parse(string json, string source)
    {
        PushedImage? image;
        try { image = JsonSerializer.Deserialize<PushedImage>(json, Options); }
        catch (JsonException e) { throw new InvalidOperationException($"{source} is not a pushed-image record ({e.Message.Split('\n')[0]}); re-run Bake --image-output push-by-digest to write it again."); }
        if (image is null || image.Permutation is null || image.Platforms is null || image.Repository is null || image.Digest is null)
            throw new InvalidOperationException($"{source} is not a pushed-image record (it needs permutation, platforms, repository and digest); re-run Bake --image-output push-by-digest to write it again.");
        if (image.SchemaVersion != PushedImage.CurrentSchemaVersion)
            throw new InvalidOperationException($"{source} is a pushed-image record of schema {image.SchemaVersion}, this build reads {PushedImage.CurrentSchemaVersion}; re-run Bake with this build.");
        return image;
    }
}
