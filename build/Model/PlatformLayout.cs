using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Model;

/// <summary>
/// One platform's image out of a multi-platform OCI archive, as an OCI layout tar of its own (index.json naming only
/// that manifest; its manifest, config and layers). Trivy reads an archive's first image only and ignores --platform
/// for archives, so each platform is scanned from its own layout. Layers are streamed, never held in memory.
/// </summary>
public static class PlatformLayout
{
    /// <summary>Pure: the layout index.json of one platform's manifest (its descriptor as the image index gives it).</summary>
    public static string LayoutIndex(JsonObject platformDescriptor) =>
        new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(platformDescriptor.DeepClone()),
        }.ToJsonString();

    /// <summary>Writes <paramref name="destination"/> holding <paramref name="platform"/>'s image of <paramref name="archive"/>.</summary>
    public static void Extract(string archive, OciArchiveInfo info, string platform, string destination)
    {
        var digest = info.Platforms.FirstOrDefault(p => p.Platform == platform)?.Digest
            ?? throw new InvalidOperationException($"'{archive}' has no {platform} image (it holds {string.Join(", ", info.Platforms.Select(p => p.Platform))}); re-run Bake.");
        var small = OciArchive.ReadEntries(archive).Small;
        var index = JsonNode.Parse(small[OciArchive.BlobPath(info.IndexDigest)])!.AsObject();
        var descriptor = index["manifests"]!.AsArray().OfType<JsonObject>().First(m => (string?)m["digest"] == digest);
        var manifest = JsonNode.Parse(small[OciArchive.BlobPath(digest)])!.AsObject();
        var needed = new HashSet<string> { OciArchive.BlobPath(digest), OciArchive.BlobPath((string)manifest["config"]!["digest"]!) };
        foreach (var layer in manifest["layers"]?.AsArray() ?? []) needed.Add(OciArchive.BlobPath((string)layer!["digest"]!));

        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        using var output = File.Create(destination);
        using var writer = new TarWriter(output, TarEntryFormat.Pax);
        Write(writer, "oci-layout", """{"imageLayoutVersion":"1.0.0"}""");
        Write(writer, "index.json", LayoutIndex(descriptor));
        using var input = File.OpenRead(archive);
        using var reader = new TarReader(input);
        while (reader.GetNextEntry() is { } entry)
        {
            var name = OciArchive.EntryName(entry);
            if (entry.DataStream is null || !needed.Remove(name)) continue;
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = entry.DataStream });
        }
        if (needed.Count > 0) throw new InvalidOperationException($"'{archive}' lacks {needed.First()} of its {platform} image; re-run Bake.");
    }

    static void Write(TarWriter writer, string name, string content) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
}
