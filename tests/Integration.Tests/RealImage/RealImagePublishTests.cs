using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.RealImage;

/// <summary>
/// The real gcc14-clang20 image for linux/amd64, built from devcontainer/ and docker-bake.hcl on the toolchain's
/// Ubuntu 24.04 base and taken through every target up to Publish (see <see cref="RealImageBuild"/>); read back here
/// with the registry API, skopeo and cosign, none of which the pipeline's own code is.
/// </summary>
[Collection(RealImageCollection.Name)]
public sealed class RealImagePublishTests(RealImageBuild image, ITestOutputHelper output)
{
    [RealImageFact]
    public void Every_target_up_to_Publish_succeeds_on_the_real_image()
    {
        image.RequirePublished();
        output.WriteLine($"Publish of the real image took {image.PublishDuration:mm\\:ss}; log {image.LogPath}\n{image.LogTail(40)}");
        var summary = image.Publish!.Output;
        foreach (var target in new[] { "Bake", "Validate", "Scan", "Sbom", "Manifest", "Publish" })
            Assert.Matches($@"(?m)^{target} +Succeeded", summary);
        Assert.Contains("validated: 1 ok, 0 failed", summary);
        // The closing line names the image as the devcontainer CLI test's devcontainer.json does.
        Assert.Contains($"\"image\": \"{image.ImageReference}\"", summary);
        Assert.DoesNotContain(RealImageBuild.CosignPassword, summary);
    }

    [RealImageFact]
    public async Task The_registry_holds_the_index_the_manifest_names_with_both_tags_of_a_default_branch_build()
    {
        var entry = image.Entry;
        var repository = image.Registry.RepositoryPath();
        Assert.Equal(image.Registry.Repository(), entry.Repository);
        var index = await image.Registry.Client.ManifestAsync(repository, entry.Digest);
        Assert.NotNull(index);
        Assert.True(index.IsIndex, $"pushed as {index.MediaType}");
        Assert.Equal([RealImageBuild.Platform], index.Platforms);
        Assert.Equal([(RealImageBuild.Platform, index.PlatformDigests[RealImageBuild.Platform])], entry.Platforms.Select(p => (p.Platform, p.Digest)));
        var tags = new[] { RealImageBuild.PermutationId, $"{image.HeadSha}-{RealImageBuild.PermutationId}" };
        Assert.Equal(tags.Select(t => $"{entry.Repository}:{t}"), entry.Tags.Select(t => t.Reference));
        foreach (var tag in tags)
            Assert.Equal(entry.Digest, (await Harness.Skopeo.InspectRawAsync($"{entry.Repository}:{tag}")).Digest);
    }

    [RealImageFact]
    public async Task The_manifest_records_the_Ubuntu_base_the_image_was_built_on_with_its_registry_digest()
    {
        var entry = image.Entry;
        var ubuntu = RealImageRequirements.UbuntuBase!;
        Assert.Equal(ubuntu, entry.BaseImage.Reference);
        var baseDigest = await ProcessRunner.RunAsync("skopeo", ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://" + ubuntu]);
        Assert.True(baseDigest.Succeeded, baseDigest.Output);
        Assert.Equal(baseDigest.StandardOutput.Trim(), entry.BaseImage.Digest);
    }

    [RealImageFact]
    public async Task Cosign_verifies_the_signature_the_provenance_and_the_platforms_own_sbom_with_the_public_key()
    {
        var entry = image.Entry;
        string[] key = ["--key", image.PublicKeyPath, "--insecure-ignore-tlog", "--allow-http-registry", "--allow-insecure-registry"];
        foreach (var arguments in new[] { new[] { "verify" }, ["verify-attestation", "--type", "slsaprovenance1"] })
        {
            var verify = await ProcessRunner.RunAsync("cosign", [.. arguments, .. key, entry.DigestReference], onLine: output.WriteLine);
            Assert.True(verify.Succeeded, $"cosign {string.Join(' ', arguments)} {entry.DigestReference} failed: {verify.Output}");
        }
        // The platform's SBOM: a reference attestation on its own manifest naming, by digest, the document beside it.
        var platform = entry.Platforms.Single();
        var sbom = await ProcessRunner.RunAsync("cosign", ["verify-attestation", "--type", SbomReference.PredicateType, .. key, $"{entry.Repository}@{platform.Digest}"]);
        Assert.True(sbom.Succeeded, $"the {platform.Platform} SBOM reference did not verify: {sbom.Output}");
        var statement = JsonNode.Parse(Convert.FromBase64String((string)JsonNode.Parse(sbom.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0])!["payload"]!))!;
        Assert.Equal(platform.Sbom!.Digest, "sha256:" + (string)statement["predicate"]!["references"]![0]!["digest"]!["sha256"]!);
        using var http = new System.Net.Http.HttpClient();
        var document = await http.GetByteArrayAsync((string)statement["predicate"]!["references"]![0]!["downloadLocation"]!);
        Assert.Equal(platform.Sbom.Digest, RegistryManifest.Sha256(document));
    }

    [RealImageFact]
    public async Task The_image_config_carries_the_devcontainer_metadata_label_and_the_non_root_user()
    {
        var entry = image.Entry;
        var config = await ProcessRunner.RunAsync("skopeo", ["inspect", "--tls-verify=false", "--config", "docker://" + entry.DigestReference]);
        Assert.True(config.Succeeded, config.Output);
        var json = JsonNode.Parse(config.StandardOutput)!["config"]!;
        Assert.Equal("dev", (string?)json["User"]);
        var metadata = JsonNode.Parse((string)json["Labels"]!["devcontainer.metadata"]!)!.AsArray().Single()!;
        Assert.Equal("dev", (string?)metadata["remoteUser"]);
        Assert.Equal("gcc", (string?)metadata["containerEnv"]!["CC"]);
        Assert.Equal("g++", (string?)metadata["containerEnv"]!["CXX"]);
    }
}
