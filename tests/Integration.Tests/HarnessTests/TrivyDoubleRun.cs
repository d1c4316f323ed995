using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using TrivyDouble;

namespace Integration.Tests.HarnessTests;

/// <summary>Runs the Trivy double in-process in a scratch directory, with an OCI archive to scan.</summary>
public sealed class TrivyDoubleRun : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("trivy-double-").FullName;
    public Dictionary<string, string?> Environment { get; } = new();

    public static string Sample(string name) => RepoPaths.TrivySample(name);

    public (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = DoubleCli.Run(args, Environment, Directory, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    public JsonObject ReadJson(string relativePath) => JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, relativePath)))!.AsObject();

    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Directory, relativePath);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// Writes an OCI layout tar shaped like buildx's: index.json → image index → amd64 and arm64 manifests plus an
    /// attestation manifest (unknown/unknown). Returns the config digest per platform.
    /// </summary>
    public Dictionary<string, string> WriteArchive(string relativePath)
    {
        var blobs = new Dictionary<string, byte[]>();
        string Add(string json) { var b = Encoding.UTF8.GetBytes(json); var d = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(b)); blobs[d] = b; return d; }
        var configs = new Dictionary<string, string>();
        var entries = new List<string>();
        foreach (var arch in new[] { "amd64", "arm64" })
        {
            var diffId = "sha256:" + new string(arch == "amd64" ? 'a' : 'b', 64);
            var config = Add($$$"""{"architecture":"{{{arch}}}","os":"linux","config":{"Labels":{"arch":"{{{arch}}}"}},"rootfs":{"type":"layers","diff_ids":["{{{diffId}}}"]}}""");
            configs["linux/" + arch] = config;
            var layer = Add("layer-" + arch);
            var manifest = Add($$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{config}}}","size":1},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{{layer}}}","size":1234}]}""");
            entries.Add($$$"""{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{manifest}}}","size":1,"platform":{"architecture":"{{{arch}}}","os":"linux"}}""");
        }
        var attestation = Add("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:00","size":1},"layers":[]}""");
        entries.Insert(0, $$$"""{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{attestation}}}","size":1,"platform":{"architecture":"unknown","os":"unknown"}}""");
        var index = Add($$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{{string.Join(",", entries)}}}]}""");
        using var stream = File.Create(Path.Combine(Directory, relativePath));
        using var writer = new TarWriter(stream);
        void Entry(string name, byte[] data) => writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        Entry("oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray());
        Entry("index.json", Encoding.UTF8.GetBytes($$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"{{{index}}}","size":1}]}"""));
        foreach (var (digest, data) in blobs) Entry("blobs/" + digest.Replace(':', '/'), data);
        return configs;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, true);
}
