using System.Formats.Tar;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace TrivyDouble;

/// <summary>The facts of the scanned image that Trivy puts in a report's Metadata.</summary>
internal sealed record ImageFacts(string ImageId, IReadOnlyList<string> DiffIds, JsonObject Config,
    IReadOnlyList<(string Digest, long Size, string DiffId)> Layers, string Platform)
{
    public long Size => Layers.Sum(l => l.Size);
}

/// <summary>
/// Reads an OCI image layout tar (what `docker buildx` writes with type=oci): index.json, nested indexes, the
/// platform's manifest and config. Layers are never read, only their descriptors.
/// </summary>
internal static class OciArchive
{
    const long MaxMetadataBlob = 4 * 1024 * 1024;

    public static ImageFacts Read(string archivePath, string? platform)
    {
        if (!File.Exists(archivePath))
            throw new DoubleUsageException($"unable to open the OCI archive {archivePath}: no such file");
        var files = ReadSmallEntries(archivePath);
        if (!files.TryGetValue("index.json", out var indexBytes))
            throw new DoubleUsageException($"{archivePath} is not an OCI image layout: index.json is missing");

        return Describe(JsonNode.Parse(indexBytes)!.AsObject(), digest => Blob(files, digest, archivePath), platform, archivePath);
    }

    /// <summary>The facts of <paramref name="platform"/>'s image (else the host's, else the first) under an image index, its blobs by digest.</summary>
    public static ImageFacts Describe(JsonObject index, Func<string, byte[]> blob, string? platform, string source)
    {
        var wanted = platform ?? "linux/" + RuntimeInformation.OSArchitecture switch
        {
            Architecture.Arm64 => "arm64",
            _ => "amd64",
        };
        var (manifest, chosen) = FindManifest(index, blob, wanted)
            ?? throw new DoubleUsageException($"{source} has no image manifest for platform {wanted}");
        var configDigest = (string)manifest["config"]!["digest"]!;
        var config = JsonNode.Parse(blob(configDigest))!.AsObject();
        var diffIds = config["rootfs"]?["diff_ids"]?.AsArray().Select(d => (string)d!).ToList() ?? [];
        var layers = manifest["layers"]!.AsArray().Select((layer, i) =>
            ((string)layer!["digest"]!, (long)layer["size"]!, i < diffIds.Count ? diffIds[i] : "")).ToList();
        return new ImageFacts(configDigest, diffIds, config, layers, chosen);
    }

    static (JsonObject Manifest, string Platform)? FindManifest(JsonObject index, Func<string, byte[]> blob, string wanted)
    {
        (JsonObject, string)? firstImage = null;
        foreach (var descriptor in index["manifests"]?.AsArray() ?? [])
        {
            var mediaType = (string?)descriptor!["mediaType"];
            var digest = (string)descriptor["digest"]!;
            if (mediaType is "application/vnd.oci.image.index.v1+json" or "application/vnd.docker.distribution.manifest.list.v2+json")
            {
                if (FindManifest(JsonNode.Parse(blob(digest))!.AsObject(), blob, wanted) is { } nested)
                    return nested;
                continue;
            }
            var os = (string?)descriptor["platform"]?["os"];
            var arch = (string?)descriptor["platform"]?["architecture"];
            if (os == "unknown") continue; // buildx attestation manifests
            var platform = os is null ? "" : $"{os}/{arch}";
            var manifest = JsonNode.Parse(blob(digest))!.AsObject();
            if (platform == wanted) return (manifest, platform);
            firstImage ??= (manifest, platform);
        }
        return firstImage;
    }

    static byte[] Blob(Dictionary<string, byte[]> files, string digest, string archive) =>
        files.TryGetValue("blobs/" + digest.Replace(':', '/'), out var bytes)
            ? bytes : throw new DoubleUsageException($"{archive} lacks blob {digest}");

    static Dictionary<string, byte[]> ReadSmallEntries(string archivePath)
    {
        var files = new Dictionary<string, byte[]>();
        using var stream = File.OpenRead(archivePath);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.Length > MaxMetadataBlob
                || entry.DataStream is null) continue;
            using var buffer = new MemoryStream();
            entry.DataStream.CopyTo(buffer);
            files[entry.Name.TrimStart('.', '/')] = buffer.ToArray();
        }
        return files;
    }
}
