using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Publish;

/// <summary>
/// Users bring their own Dockerfiles: the base image is found from the Dockerfile itself (no BASE_IMAGE bake arg), pinned
/// for the build and recorded with its registry digest in the labels, the manifest and the provenance.
/// </summary>
public class BaseImageTests(ITestOutputHelper output) : PublishTest(output)
{
    const string Base = "127.0.0.1:5000/base/busybox:latest";
    const string Id = "gcc14-clang20";

    [IntegrationTheory]
    [InlineData("ARG BASE=" + Base + "\nFROM ${BASE} AS image")]
    [InlineData("FROM " + Base + " AS image")]
    public async Task A_Dockerfile_naming_its_base_by_its_own_ARG_or_literally_publishes_with_the_base_digest(string from)
    {
        var bakeFile = FixtureWithout_BASE_IMAGE(from);
        var result = await RunBuildAsync("Publish", "--bake-file", bakeFile, "--registry", Registry.Prefix, "--cache", "none",
            "--cosign-key", KeyPath, "--permutations", Id, "--no-logo");
        Assert.True(result.Succeeded, "Publish failed");
        var baseIndex = (await Registry.Client.ManifestAsync("base/busybox", "latest"))!;

        // The manifest names the base and its index digest.
        var entry = ReadManifest().Permutations.Single();
        Assert.Equal(new BaseImage(Base, baseIndex.Digest), entry.BaseImage);

        // Every platform's image config carries the base labels, and its first layer is the base's own (the build used that digest).
        foreach (var (platform, digest) in entry.Platforms.Select(p => (p.Platform, p.Digest)))
        {
            var manifest = (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), digest))!.Json;
            var config = JsonNode.Parse(await Registry.Client.BlobAsync(Registry.RepositoryPath(), (string)manifest["config"]!["digest"]!))!;
            Assert.Equal(Base, (string?)config["config"]!["Labels"]!["org.opencontainers.image.base.name"]);
            Assert.Equal(baseIndex.Digest, (string?)config["config"]!["Labels"]!["org.opencontainers.image.base.digest"]);
            var baseManifest = (await Registry.Client.ManifestAsync("base/busybox", baseIndex.PlatformDigests[platform]))!.Json;
            Assert.Equal((string)baseManifest["layers"]![0]!["digest"]!, (string)manifest["layers"]![0]!["digest"]!);
        }

        // The attested provenance (the file whose digest the manifest records) lists the base with its digest and platforms.
        var provenance = JsonNode.Parse(File.ReadAllText(Path.Combine(ArtifactsDirectory, entry.Provenance.Path)))!;
        var dependency = provenance["buildDefinition"]!["resolvedDependencies"]!.AsArray().Single(d => (string?)d!["name"] == "base-image")!;
        Assert.Equal("pkg:docker/" + Base, (string?)dependency["uri"]);
        Assert.Equal(baseIndex.Digest, "sha256:" + (string?)dependency["digest"]!["sha256"]);
        Assert.Equal(baseIndex.PlatformDigests["linux/arm64"], (string?)dependency["annotations"]!["platforms"]!["linux/arm64"]);
        Assert.True((await CosignAsync("verify-attestation", "--type", "slsaprovenance1", entry.DigestReference)).Succeeded, "provenance did not verify");
    }

    [IntegrationFact]
    public async Task A_FROM_whose_ARG_has_no_value_is_refused_naming_the_Dockerfile_line_and_fix()
    {
        var bakeFile = FixtureWithout_BASE_IMAGE("ARG BASE\nFROM ${BASE} AS image");
        var result = await RunBuildAsync("Bake", "--bake-file", bakeFile, "--registry", Registry.Prefix, "--cache", "none", "--permutations", Id, "--no-logo");
        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.Output.Split('\n'), l => l.Contains("expands to nothing", StringComparison.Ordinal));
        Assert.Contains("Dockerfile:5: FROM ${BASE}", error);
        Assert.Contains("ARG BASE has no default and no bake arg", error);
        Assert.False(File.Exists(Path.Combine(ArtifactsDirectory, "images", Id + ".tar")));
    }

    /// <summary>A copy of the fixture whose bake file sets no BASE_IMAGE and whose Dockerfile starts its image stage with <paramref name="from"/>.</summary>
    string FixtureWithout_BASE_IMAGE(string from)
    {
        var bakeFile = RepoPaths.CopyFixture(WorkDirectory);
        var dockerfile = Path.Combine(Path.GetDirectoryName(bakeFile)!, "Dockerfile");
        var text = File.ReadAllText(dockerfile)
            .Replace("ARG BASE_IMAGE=127.0.0.1:5000/base/busybox:latest\n", "")
            .Replace("FROM ${BASE_IMAGE} AS image", from);
        Assert.DoesNotContain("BASE_IMAGE", text);
        File.WriteAllText(dockerfile, text);
        var bake = File.ReadAllText(bakeFile);
        bake = bake.Replace("variable \"BASE_IMAGE\" {\n  default = \"127.0.0.1:5000/base/busybox:latest\"\n}\n", "")
            .Replace("    BASE_IMAGE    = BASE_IMAGE\n", "");
        Assert.DoesNotContain("BASE_IMAGE =", bake);
        File.WriteAllText(bakeFile, bake);
        return bakeFile;
    }
}
