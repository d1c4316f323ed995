using System.Formats.Tar;
using System.Text.Json.Nodes;

namespace Integration.Tests.Harness;

/// <summary>
/// Reads the top of an OCI image layout tar (what `docker buildx` writes with type=oci): the digest the image will
/// have in a registry when pushed with its digest preserved, and its platforms.
/// </summary>
public static class OciArchiveReader
{
    /// <summary>The descriptor digest in index.json (buildx writes one entry: the multi-platform index).</summary>
    public static string IndexDigest(string archivePath)
    {
        var manifests = ReadJson(archivePath, "index.json")["manifests"]!.AsArray();
        return manifests.Count == 1 ? (string)manifests[0]!["digest"]!
            : throw new InvalidOperationException($"{archivePath}: index.json has {manifests.Count} entries, expected one image index");
    }

    /// <summary>The platforms of the archive's image index (attestation entries excluded).</summary>
    public static IReadOnlyList<string> Platforms(string archivePath)
    {
        var digest = IndexDigest(archivePath);
        var bytes = ReadEntry(archivePath, "blobs/" + digest.Replace(':', '/'));
        return new RegistryManifest(digest, (string?)JsonNode.Parse(bytes)!["mediaType"] ?? "", bytes).Platforms;
    }

    /// <summary>The config digest (what Trivy reports as ImageID) of one platform's image in the archive.</summary>
    public static string ConfigDigest(string archivePath, string platform)
    {
        var digest = IndexDigest(archivePath);
        var bytes = ReadEntry(archivePath, "blobs/" + digest.Replace(':', '/'));
        var manifestDigest = new RegistryManifest(digest, (string?)JsonNode.Parse(bytes)!["mediaType"] ?? "", bytes).PlatformDigests[platform];
        return (string)ReadJson(archivePath, "blobs/" + manifestDigest.Replace(':', '/'))["config"]!["digest"]!;
    }

    static JsonObject ReadJson(string archivePath, string entryName) => JsonNode.Parse(ReadEntry(archivePath, entryName))!.AsObject();

    static byte[] ReadEntry(string archivePath, string entryName)
    {
        using var stream = File.OpenRead(archivePath);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name.TrimStart('.', '/') != entryName || entry.DataStream is null) continue;
            using var buffer = new MemoryStream();
            entry.DataStream.CopyTo(buffer);
            return buffer.ToArray();
        }
        throw new InvalidOperationException($"{archivePath} has no {entryName}");
    }
}
