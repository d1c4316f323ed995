using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.HarnessTests;

/// <summary>
/// The fixture builds for both platforms into an OCI archive (as the pipeline's Bake does), is pushed by digest with
/// skopeo, and reads back with other tools (the registry's HTTP API and `docker buildx imagetools`) with the same
/// digest and both platforms. Runs bake directly: it proves the toolchain and the fixture, not the pipeline.
/// (buildx's docker driver cannot push-by-digest itself: "not implemented for docker driver".)
/// </summary>
public sealed class FixtureRoundTripTests(ITestOutputHelper output) : IntegrationTest(output)
{
    const string Target = "gcc15-clangp2996";

    [IntegrationFact]
    public async Task Fixture_archive_pushed_by_digest_reads_back_with_registry_api_and_imagetools_with_both_platforms()
    {
        var repository = Registry.Repository();
        var archive = Path.Combine(ArtifactsDirectory, "images", Target + ".tar");
        Directory.CreateDirectory(Path.GetDirectoryName(archive)!);
        var bake = await RunToolAsync("docker",
        [
            "buildx", "bake", "-f", "docker-bake.hcl", "--progress", "plain",
            "--set", $"{Target}.platform=linux/amd64,linux/arm64",
            "--set", $"{Target}.output=type=oci,dest={archive}",
            Target,
        ], RepoPaths.Fixture, ColdCache.Environment);
        Assert.True(bake.Succeeded, $"bake failed ({bake.ExitCode}):\n{bake.Output}");
        var digest = OciArchiveReader.IndexDigest(archive);
        Assert.Equal(["linux/amd64", "linux/arm64"], OciArchiveReader.Platforms(archive).Order(StringComparer.Ordinal));

        var push = await RunToolAsync("skopeo",
            ["copy", "--all", "--preserve-digests", "--dest-tls-verify=false", "oci-archive:" + archive, $"docker://{repository}@{digest}"]);
        Assert.True(push.Succeeded, $"skopeo push failed:\n{push.Output}");

        var viaApi = await Registry.Client.ManifestAsync(Registry.RepositoryPath(), digest);
        Assert.NotNull(viaApi);
        Assert.Equal(digest, viaApi.Digest);
        Assert.True(viaApi.IsIndex, $"expected an image index, got {viaApi.MediaType}");
        Assert.Equal(["linux/amd64", "linux/arm64"], viaApi.Platforms.Order(StringComparer.Ordinal));
        Assert.Empty(await Registry.Client.TagsAsync(Registry.RepositoryPath())); // by digest: nothing tagged

        var (exitCode, raw, error) = await ProcessRunner.RunForBytesAsync("docker",
            ["buildx", "imagetools", "inspect", "--raw", $"{repository}@{digest}"]);
        Assert.True(exitCode == 0, error);
        Assert.Equal(digest, RegistryManifest.Sha256(raw));

        foreach (var (platform, manifestDigest) in viaApi.PlatformDigests)
        {
            var manifest = await Registry.Client.ManifestAsync(Registry.RepositoryPath(), manifestDigest);
            var configDigest = (string)manifest!.Json["config"]!["digest"]!;
            var config = JsonNode.Parse(await Registry.Client.BlobAsync(Registry.RepositoryPath(), configDigest))!;
            Assert.Equal(platform, $"{config["os"]}/{config["architecture"]}");
            Assert.Equal(Target, (string?)config["config"]!["Labels"]!["dev.fixture.permutation"]);
        }
    }

    [IntegrationFact]
    public async Task Fixture_validate_fails_naming_permutation_and_platform_when_broken()
    {
        var environment = new Dictionary<string, string?>(ColdCache.Environment) { ["FIXTURE_BREAK"] = "gcc14-clang20@linux/arm64" };
        var validate = await RunToolAsync("docker",
        [
            "buildx", "bake", "-f", "docker-bake.hcl", "--progress", "plain",
            "--set", "validate-gcc14-clang20.platform=linux/amd64,linux/arm64", "validate-gcc14-clang20",
        ], RepoPaths.Fixture, environment);

        Assert.NotEqual(0, validate.ExitCode);
        Assert.Contains("SMOKE TEST FAILED [gcc14-clang20 linux/arm64]: gcc reports version '0-broken', expected '14'", validate.Output);
        Assert.DoesNotContain("SMOKE TEST FAILED [gcc14-clang20 linux/amd64]", validate.Output);
    }
}
