using System.Formats.Tar;
using System.Text.Json;

namespace Pipeline.Model;

/// <summary>
/// What an OCI archive (buildx `type=oci` output) will be in a registry: the image index digest and its
/// per-platform manifests. Attestation manifests (`unknown/unknown`) are skipped: they are not platforms.
/// </summary>
/// <param name="RefName">The layout's `org.opencontainers.image.ref.name` of the image (buildx writes one entry per tag,
/// all naming the same index); tools reading the archive need it to pick the image (`oci-archive:path:ref`).</param>
public sealed record OciArchiveInfo(string IndexDigest, IReadOnlyList<PlatformDigest> Platforms, IReadOnlyDictionary<string, string> Annotations, string? RefName = null);

public static class OciArchive
{
    public const string IndexMediaType = "application/vnd.oci.image.index.v1+json";
    const string DockerListMediaType = "application/vnd.docker.distribution.manifest.list.v2+json";

    public static OciArchiveInfo Read(string archivePath)
    {
        if (!File.Exists(archivePath))
            throw new InvalidOperationException($"OCI archive '{archivePath}' does not exist; run the Bake target first.");
        if (new FileInfo(archivePath).Length == 0)
            throw new InvalidOperationException($"OCI archive '{archivePath}' is empty (0 bytes), not an image; re-run Bake.");
        Dictionary<string, byte[]> blobs;
        Dictionary<string, long> sizes;
        try { (blobs, sizes) = ReadEntries(archivePath); }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new InvalidOperationException($"'{archivePath}' is not a complete tar archive ({e.Message}); re-run Bake.");
        }
        if (!blobs.TryGetValue("index.json", out var layoutIndex))
            throw new InvalidOperationException($"'{archivePath}' is not an OCI archive (no index.json, e.g. a partial write); re-run Bake (it exports type=oci).");
        byte[]? Blob(string digest) => blobs.GetValueOrDefault(BlobPath(digest));
        var info = Describe(layoutIndex, Blob, archivePath);
        if (MissingBlob(info, Blob, digest => sizes.TryGetValue(BlobPath(digest), out var size) ? size : null) is { } missing)
            throw new InvalidOperationException($"'{archivePath}' is incomplete: {missing}; re-run Bake.");
        return info;
    }

    /// <summary>Where an OCI layout keeps the blob of <paramref name="digest"/>.</summary>
    public static string BlobPath(string digest) => "blobs/sha256/" + digest[(digest.IndexOf(':') + 1)..];

    /// <summary>An entry's path inside the layout, without the "./" some writers put first.</summary>
    public static string EntryName(TarEntry entry) => entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;

    /// <summary>Pure: the first blob a platform's image needs (its manifest, config or a layer) that the archive lacks or holds cut short.</summary>
    public static string? MissingBlob(OciArchiveInfo info, Func<string, byte[]?> blob, Func<string, long?> size)
    {
        foreach (var platform in info.Platforms)
        {
            if (blob(platform.Digest) is not { } manifestBytes) return $"{platform.Platform} manifest {platform.Digest} is missing";
            using var manifest = JsonDocument.Parse(manifestBytes);
            var needed = new List<JsonElement>();
            if (manifest.RootElement.TryGetProperty("config", out var config)) needed.Add(config);
            if (manifest.RootElement.TryGetProperty("layers", out var layers)) needed.AddRange(layers.EnumerateArray());
            foreach (var descriptor in needed)
            {
                var digest = descriptor.GetProperty("digest").GetString()!;
                var expected = descriptor.GetProperty("size").GetInt64();
                if (size(digest) is not { } actual) return $"{platform.Platform} blob {digest} is missing";
                if (actual != expected) return $"{platform.Platform} blob {digest} has {actual} of {expected} bytes";
            }
        }
        return null;
    }

    /// <summary>Pure part: given the layout's index.json and a blob lookup, find the image index and its platforms.</summary>
    public static OciArchiveInfo Describe(byte[] layoutIndex, Func<string, byte[]?> blob, string source)
    {
        using var top = JsonDocument.Parse(layoutIndex);
        var descriptors = top.RootElement.GetProperty("manifests").EnumerateArray().ToList();
        var distinct = descriptors.Select(d => d.TryGetProperty("digest", out var x) ? x.GetString() : null).Distinct().Count();
        if (descriptors.Count == 0 || distinct != 1)
            throw new InvalidOperationException($"'{source}' holds {distinct} images; expected exactly one multi-platform image per archive.");
        var descriptor = descriptors[0];
        var refName = descriptor.TryGetProperty("annotations", out var layoutAnnotations) && layoutAnnotations.TryGetProperty("org.opencontainers.image.ref.name", out var r)
            ? r.GetString() : null;
        var mediaType = descriptor.GetProperty("mediaType").GetString();
        var digest = descriptor.GetProperty("digest").GetString()!;
        if (mediaType is not (IndexMediaType or DockerListMediaType))
            throw new InvalidOperationException($"'{source}' holds a single image manifest ({mediaType}), not an image index; re-run Bake (it exports an index even for one platform).");
        var indexBytes = blob(digest) ?? throw new InvalidOperationException($"'{source}' lacks the blob of its image index {digest}; the archive is incomplete.");
        if (ContentDigest.Sha256(indexBytes) != digest)
            throw new InvalidOperationException($"'{source}': image index blob does not hash to {digest}; the archive is corrupt, re-run Bake.");
        using var index = JsonDocument.Parse(indexBytes);
        var platforms = new List<PlatformDigest>();
        foreach (var manifest in index.RootElement.GetProperty("manifests").EnumerateArray())
        {
            if (!manifest.TryGetProperty("platform", out var platform)) continue;
            var os = platform.GetProperty("os").GetString();
            var architecture = platform.GetProperty("architecture").GetString();
            if (os == "unknown" && architecture == "unknown") continue;
            var name = $"{os}/{architecture}";
            if (platform.TryGetProperty("variant", out var variant) && variant.GetString() is { Length: > 0 } v) name += "/" + v;
            platforms.Add(new PlatformDigest(name, manifest.GetProperty("digest").GetString()!));
        }
        var annotations = new Dictionary<string, string>();
        if (index.RootElement.TryGetProperty("annotations", out var a))
            foreach (var property in a.EnumerateObject()) annotations[property.Name] = property.Value.GetString() ?? "";
        return new OciArchiveInfo(digest, platforms, annotations, refName);
    }

    public static (Dictionary<string, byte[]> Small, Dictionary<string, long> Sizes) ReadEntries(string archivePath)
    {
        // Only JSON-sized entries are kept in memory; of layers only the size is read.
        var entries = new Dictionary<string, byte[]>();
        var sizes = new Dictionary<string, long>();
        using var stream = File.OpenRead(archivePath);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            var name = EntryName(entry);
            sizes[name] = entry.Length;
            if (entry.DataStream is null || entry.Length > 4 * 1024 * 1024) continue;
            using var buffer = new MemoryStream();
            entry.DataStream.CopyTo(buffer);
            entries[name] = buffer.ToArray();
        }
        return (entries, sizes);
    }
}
