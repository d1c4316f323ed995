using System.Formats.Tar;

namespace Pipeline.Model;

/// <summary>
/// I/O of the per-platform merge: reads each platform's OCI archive (only its small JSON entries are held in memory) and
/// writes one archive holding every platform's blobs plus the merged index (<see cref="PlatformMerge"/>), staged as
/// <c>&lt;id&gt;.tar.partial</c> and committed like Bake's own output. Entries keep their order and headers, and the
/// new ones a fixed time, so the same inputs give the same bytes.
/// </summary>
public static class PlatformArchives
{
    public static PlatformPart ReadPart(string platform, string archive)
    {
        var info = OciArchive.Read(archive); // complete, one image index (one line otherwise)
        byte[]? layout = null, index = null;
        using var stream = File.OpenRead(archive);
        using var reader = new TarReader(stream);
        var blobName = OciArchive.BlobPath(info.IndexDigest);
        while (reader.GetNextEntry() is { } entry)
        {
            var name = OciArchive.EntryName(entry);
            if (name == "index.json") layout = ReadAll(entry);
            else if (name == blobName) index = ReadAll(entry);
        }
        return new PlatformPart(platform, archive, layout!, index!);
    }

    public static OciArchiveInfo Write(string permutationId, IReadOnlyList<PlatformPart> parts, MergedIndex merged, string archive)
    {
        var partial = StagedArchive.PartialPath(archive);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(archive))!);
        var replaced = parts.Select(p => OciArchive.BlobPath(PlatformMerge.IndexDigestOf(p.LayoutIndex))).ToHashSet();
        using (var output = File.Create(partial))
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: false))
        {
            Add(writer, "oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray());
            Add(writer, "index.json", merged.LayoutIndex);
            Add(writer, OciArchive.BlobPath(merged.Digest), merged.IndexBlob);
            var written = new HashSet<string> { "oci-layout", "index.json", OciArchive.BlobPath(merged.Digest) };
            foreach (var part in parts)
            {
                using var input = File.OpenRead(part.Source);
                using var reader = new TarReader(input);
                while (reader.GetNextEntry() is { } entry)
                {
                    var name = OciArchive.EntryName(entry);
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !name.StartsWith("blobs/", StringComparison.Ordinal)) continue;
                    if (replaced.Contains(name) || !written.Add(name)) continue; // a platform's own index is replaced; shared blobs once
                    var copy = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = entry.DataStream, ModificationTime = DateTimeOffset.UnixEpoch, Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead };
                    writer.WriteEntry(copy);
                }
            }
        }
        return StagedArchive.Commit(archive, permutationId);
    }

    static void Add(TarWriter writer, string name, byte[] bytes) => writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
    {
        DataStream = new MemoryStream(bytes),
        ModificationTime = DateTimeOffset.UnixEpoch,
        Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
    });

    static byte[] ReadAll(TarEntry entry)
    {
        using var buffer = new MemoryStream();
        entry.DataStream?.CopyTo(buffer);
        return buffer.ToArray();
    }
}
