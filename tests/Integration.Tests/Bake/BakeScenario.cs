using System.Formats.Tar;
using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Xunit;

namespace Integration.Tests.Bake;

/// <summary>Shared steps of the Bake/Validate integration tests: run the build on the fixture, read what it wrote.</summary>
public abstract class BakeScenario(Xunit.Abstractions.ITestOutputHelper output) : IntegrationTest(output)
{
    protected string CacheRepositoryPath => Registry.RepositoryPath("devcontainer-cache");

    /// <summary>Runs the build on the fixture in this test's registry namespace, artifacts directory and cache stamp.</summary>
    protected Task<ProcessResult> RunOnFixtureAsync(IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var variables = new Dictionary<string, string?>(ColdCache.Environment);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>()) variables[name] = value;
        return Build.RunAsync(
            [.. arguments, "--bake-file", Path.GetRelativePath(RepoPaths.Root, RepoPaths.FixtureBakeFile), "--registry", Registry.Prefix,
             "--artifacts", ArtifactsDirectory, "--no-logo"],
            null, variables, null);
    }

    /// <summary>Bake of one permutation with a cosign key: a default-branch build signs its main cache, every build verifies it.</summary>
    protected Task<ProcessResult> BakeWithKeyAsync(Dictionary<string, string?> environment, string permutation, string key, string password)
    {
        environment["COSIGN_PASSWORD"] = password;
        return RunOnFixtureAsync(environment, "Bake", "--permutations", permutation, "--cosign-key", key);
    }

    protected string Archive(string id) => Path.Combine(ArtifactsDirectory, "images", id + ".tar");

    /// <summary>The record of the image Bake pushed for <paramref name="id"/> (the default, --image-output registry).</summary>
    protected PushedImage Pushed(string id) => PushedImageStore.Read(Path.Combine(ArtifactsDirectory, "pushed", id + ".json"));

    /// <summary>The index digest Bake produced: its archive's with --image-output archive, else the one it pushed.</summary>
    protected string ImageDigest(string id) => File.Exists(Archive(id)) ? OciArchiveReader.IndexDigest(Archive(id)) : Pushed(id).Digest;

    /// <summary>The image config of one platform of an image in the test registry (read over HTTP: labels live there).</summary>
    protected async Task<JsonObject> RegistryImageConfig(PushedImage image, string platform)
    {
        var repository = image.Repository[(image.Repository.IndexOf('/') + 1)..];
        var index = (await Registry.Client.ManifestAsync(repository, image.Digest))!;
        var manifest = (await Registry.Client.ManifestAsync(repository, index.PlatformDigests[platform]))!;
        return JsonNode.Parse(await Registry.Client.BlobAsync(repository, (string)manifest.Json["config"]!["digest"]!))!.AsObject();
    }

    /// <summary>The cache repository's tags and their digests, without cosign's signature tags (<see cref="CacheSignatureTagsAsync"/>).</summary>
    protected async Task<IReadOnlyDictionary<string, string>> CacheTagDigestsAsync()
    {
        var digests = new Dictionary<string, string>();
        foreach (var tag in (await Registry.Client.TagsAsync(CacheRepositoryPath)).Where(t => !t.StartsWith("sha256-", StringComparison.Ordinal)))
            digests[tag] = (await Registry.Client.ManifestAsync(CacheRepositoryPath, tag))!.Digest;
        return digests;
    }

    /// <summary>cosign's signature tags in the cache repository (<c>sha256-&lt;hex&gt;.sig</c>: which cache indexes were signed).</summary>
    protected async Task<IReadOnlyList<string>> CacheSignatureTagsAsync() =>
        (await Registry.Client.TagsAsync(CacheRepositoryPath)).Where(t => t.StartsWith("sha256-", StringComparison.Ordinal) && t.EndsWith(".sig")).ToList();

    /// <summary>A cosign key pair in its own folder under the test's directory (password in <paramref name="password"/>).</summary>
    protected async Task<(string Key, string PublicKey)> KeyPairAsync(string name, string password)
    {
        var directory = Directory.CreateDirectory(Path.Combine(WorkDirectory, "keys-" + name)).FullName;
        var generated = await ProcessRunner.RunAsync("cosign", ["generate-key-pair"], directory, new Dictionary<string, string?> { ["COSIGN_PASSWORD"] = password });
        Assert.True(generated.Succeeded, "cosign generate-key-pair failed: " + generated.Output);
        return (Path.Combine(directory, "cosign.key"), Path.Combine(directory, "cosign.pub"));
    }

    /// <summary>The image config of one platform inside an OCI archive (labels live there).</summary>
    protected static JsonObject ImageConfig(string archive, string platform)
    {
        var blobs = ReadBlobs(archive);
        var index = JsonNode.Parse(blobs["index.json"])!["manifests"]![0]!["digest"]!.GetValue<string>();
        var imageIndex = JsonNode.Parse(blobs[index])!["manifests"]!.AsArray();
        var manifest = imageIndex.Single(m => $"{m!["platform"]!["os"]}/{m["platform"]!["architecture"]}" == platform)!["digest"]!.GetValue<string>();
        var config = JsonNode.Parse(blobs[manifest])!["config"]!["digest"]!.GetValue<string>();
        return JsonNode.Parse(blobs[config])!.AsObject();
    }

    static Dictionary<string, byte[]> ReadBlobs(string archive)
    {
        var entries = new Dictionary<string, byte[]>();
        using var stream = File.OpenRead(archive);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null) continue;
            var name = entry.Name.TrimStart('.', '/');
            if (entry.Length > 1_000_000 || !(name == "index.json" || name.StartsWith("blobs/sha256/", StringComparison.Ordinal))) continue;
            using var buffer = new MemoryStream();
            entry.DataStream.CopyTo(buffer);
            entries[name == "index.json" ? name : "sha256:" + name["blobs/sha256/".Length..]] = buffer.ToArray();
        }
        return entries;
    }

    protected static void AssertSucceeded(ProcessResult result, string what) =>
        Assert.True(result.Succeeded, $"{what} failed with exit code {result.ExitCode}; see the test output.");
}
