using System.Formats.Tar;
using System.Text;
using Xunit;

namespace BuildTests.Publish;

public class OciArchiveTests
{
    const string Amd64 = "sha256:640684e24f840a1c265e7c1ad4180cc61b67abdee9eb9e5ee5686baf50b8434c";
    const string Arm64 = "sha256:b3b4b22873f3d0dc93c1afb097c6b42d5925cb92bcc65cb0a72ea08190888821";

    // The shape buildx writes: index.json -> one image index -> platform manifests + unknown/unknown attestation manifests.
    internal static readonly string ImageIndex = $$$"""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{Amd64}}}","size":668,"platform":{"architecture":"amd64","os":"linux"}},
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{Arm64}}}","size":668,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:044d109298891d1b9f2cc41bb8685e9fe68b07d01a6a07011cc8a1d11bd746c3","size":565,
         "annotations":{"vnd.docker.reference.digest":"{{{Amd64}}}","vnd.docker.reference.type":"attestation-manifest"},"platform":{"architecture":"unknown","os":"unknown"}}],
        "annotations":{"org.opencontainers.image.base.name":"127.0.0.1:5000/base/busybox:latest"}}
        """;

    // Each platform manifest needs its config and layers in the archive, at their declared sizes.
    static readonly string Config = "sha256:" + new string('c', 64), Layer = "sha256:" + new string('d', 64);
    static readonly byte[] LayerBytes = Encoding.UTF8.GetBytes("layer bytes");
    static readonly string PlatformManifest =
        $"{{\"config\":{{\"digest\":\"{Config}\",\"size\":2}},\"layers\":[{{\"digest\":\"{Layer}\",\"size\":{LayerBytes.Length}}}]}}";

    internal static string WriteArchive(string indexJson, string? layoutIndexOverride = null, bool withLayer = true)
    {
        var bytes = Encoding.UTF8.GetBytes(indexJson);
        var digest = ContentDigest.Sha256(bytes);
        var path = Path.Combine(Path.GetTempPath(), $"oci-{Guid.NewGuid():N}.tar");
        using (var stream = File.Create(path))
        using (var writer = new TarWriter(stream))
        {
            void Add(string name, byte[] data) => writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            Add("oci-layout", Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}"));
            Add("index.json", Encoding.UTF8.GetBytes(layoutIndexOverride ??
                $"{{\"schemaVersion\":2,\"manifests\":[{{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"{digest}\",\"size\":{bytes.Length}}}]}}"));
            Add("blobs/sha256/" + digest[7..], bytes);
            foreach (var manifest in new[] { Amd64, Arm64 }) Add("blobs/sha256/" + manifest[7..], Encoding.UTF8.GetBytes(PlatformManifest));
            Add("blobs/sha256/" + Config[7..], Encoding.UTF8.GetBytes("{}"));
            if (withLayer) Add("blobs/sha256/" + Layer[7..], LayerBytes);
        }
        return path;
    }

    [Fact]
    public void Reads_the_index_digest_and_platforms_skipping_attestation_entries()
    {
        var path = WriteArchive(ImageIndex);
        var info = OciArchive.Read(path);
        Assert.Equal(ContentDigest.Sha256(Encoding.UTF8.GetBytes(ImageIndex)), info.IndexDigest);
        Assert.Equal([new PlatformDigest("linux/amd64", Amd64), new PlatformDigest("linux/arm64/v8", Arm64)], info.Platforms);
        Assert.Equal("127.0.0.1:5000/base/busybox:latest", info.Annotations["org.opencontainers.image.base.name"]);
        Assert.Equal(64, ContentDigest.Sha256Hex(path).Length);
        Assert.Null(info.RefName); // an untagged archive: skopeo takes its only image

    }

    [Fact]
    public void Refuses_a_bare_image_manifest_and_multi_image_archives()
    {
        var single = WriteArchive(ImageIndex, "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + Amd64 + "\",\"size\":1}]}");
        Assert.Contains("not an image index", Assert.Throws<InvalidOperationException>(() => OciArchive.Read(single)).Message);
        var two = WriteArchive(ImageIndex, "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:1\"},{\"digest\":\"sha256:2\"}]}");
        Assert.Contains("holds 2 images", Assert.Throws<InvalidOperationException>(() => OciArchive.Read(two)).Message);
        Assert.Contains("run the Bake target", Assert.Throws<InvalidOperationException>(() => OciArchive.Read("/nonexistent.tar")).Message);
    }

    [Fact]
    public void One_index_listed_once_per_tag_is_one_image_picked_by_its_ref_name()
    {
        var bytes = Encoding.UTF8.GetBytes(ImageIndex);
        var digest = ContentDigest.Sha256(bytes);
        string Entry(string tag) => $"{{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"{digest}\",\"size\":{bytes.Length},\"annotations\":{{\"org.opencontainers.image.ref.name\":\"{tag}\"}}}}";
        var path = WriteArchive(ImageIndex, $"{{\"schemaVersion\":2,\"manifests\":[{Entry("gcc14-clang20")},{Entry("abc-gcc14-clang20")}]}}");
        var info = OciArchive.Read(path);
        Assert.Equal(digest, info.IndexDigest);
        Assert.Equal("gcc14-clang20", info.RefName);
    }

    [Fact]
    public void Refuses_an_empty_a_truncated_and_an_incomplete_archive_with_one_line_each()
    {
        var empty = Path.Combine(Path.GetTempPath(), $"oci-{Guid.NewGuid():N}.tar");
        File.WriteAllBytes(empty, []);
        Assert.Contains("is empty (0 bytes)", Assert.Throws<InvalidOperationException>(() => OciArchive.Read(empty)).Message);

        var whole = File.ReadAllBytes(WriteArchive(ImageIndex));
        var truncated = Path.Combine(Path.GetTempPath(), $"oci-{Guid.NewGuid():N}.tar");
        File.WriteAllBytes(truncated, whole[..(whole.Length / 2)]);
        var message = Assert.Throws<InvalidOperationException>(() => OciArchive.Read(truncated)).Message;
        Assert.Contains("re-run Bake", message);
        Assert.DoesNotContain("\n", message);

        var noLayer = WriteArchive(ImageIndex, withLayer: false);
        Assert.Contains($"incomplete: linux/amd64 blob {Layer} is missing", Assert.Throws<InvalidOperationException>(() => OciArchive.Read(noLayer)).Message);
    }

    [Fact]
    public void Refuses_an_index_blob_that_does_not_match_its_digest()
    {
        var path = WriteArchive(ImageIndex, "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:" + new string('0', 64) + "\",\"size\":1}]}");
        Assert.Contains("lacks the blob", Assert.Throws<InvalidOperationException>(() => OciArchive.Read(path)).Message);
    }
}
