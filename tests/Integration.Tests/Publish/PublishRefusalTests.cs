using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Publish;

/// <summary>Bad input is refused with the exact reason before anything is pushed (one Manifest run, several refusals).</summary>
public class PublishRefusalTests(ITestOutputHelper output) : PublishTest(output)
{
    [IntegrationFact]
    public async Task Altered_archives_and_bad_manifests_are_refused_before_anything_is_pushed()
    {
        Assert.True((await RunBuildAsync(PipelineArguments("Manifest", "--image-output", "archive"))).Succeeded, "Manifest failed");
        var pristine = File.ReadAllText(ManifestPath);

        // One changed byte in an archive.
        var archive = Path.Combine(ArtifactsDirectory, "images", "gcc15-clang20.tar");
        var bytes = File.ReadAllBytes(archive);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(archive, bytes);
        var altered = await RunBuildAsync(PipelineArguments("Publish", "--skip"));
        Assert.NotEqual(0, altered.ExitCode);
        Assert.Contains($"Publish refused before pushing anything: gcc15-clang20: archive {archive} has digest sha256:", altered.Output);
        Assert.Contains("but the manifest records sha256:", altered.Output);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(archive, bytes);

        // A manifest that fails its schema, and one naming a permutation the build does not know.
        var node = JsonNode.Parse(pristine)!;
        node["permutations"]![0]!["digest"] = "sha256:not-a-digest";
        File.WriteAllText(ManifestPath, node.ToJsonString());
        var invalid = await RunBuildAsync(PipelineArguments("Publish", "--skip"));
        Assert.NotEqual(0, invalid.ExitCode);
        Assert.Contains("fails schema manifest.v1.schema.json: PatternMismatch at #/permutations[0].digest", invalid.Output);

        File.WriteAllText(ManifestPath, pristine.Replace("\"id\": \"gcc14-clang20\"", "\"id\": \"gcc13-clang19\""));
        var unknown = await RunBuildAsync(PipelineArguments("Publish", "--skip"));
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("names unknown permutation 'gcc13-clang19'", unknown.Output);

        // A missing archive.
        File.WriteAllText(ManifestPath, pristine);
        File.Move(archive, archive + ".moved");
        var missing = await RunBuildAsync(PipelineArguments("Publish", "--skip"));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains($"gcc15-clang20: archive {archive} named by the manifest is missing", missing.Output);

        Assert.Empty(await Registry.Client.RepositoriesAsync(Registry.Namespace));
    }

    [IntegrationFact]
    public async Task Independent_problems_are_reported_together_one_line_each_before_anything_runs()
    {
        // A platform typo, a severity typo, no signing identity and a base image nothing can pull: four lines, one run.
        var unreachable = $"127.0.0.1:{LoopbackPort.Free()}/base/busybox:latest";
        Build.Environment["BASE_IMAGE"] = unreachable;
        var result = await RunBuildAsync(["Publish", "--bake-file", RepoPaths.FixtureBakeFile, "--registry", Registry.Prefix, "--permutations", "gcc14-clang20",
            "--platforms", "linux/amd65", "--fail-on-severity", "HIHG", "--no-logo"]);
        Assert.Equal(2, result.ExitCode);
        var errors = result.Output.Split('\n').Where(l => l.StartsWith("ERROR: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("ERROR: --platforms 'linux/amd65' is not a platform BuildKit knows", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ERROR: --fail-on-severity has unknown severity 'HIHG'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ERROR: Publish needs a signing identity", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith($"ERROR: FROM image {unreachable} (Dockerfile:", StringComparison.Ordinal));
        Assert.Empty(await Registry.Client.RepositoriesAsync(Registry.Namespace));
    }

    [IntegrationFact]
    public async Task A_manifest_of_this_machine_s_platform_alone_is_not_published_as_the_whole_image()
    {
        Build.Environment["CI"] = null; // a developer's machine: a Manifest run publishes nothing, so it builds one platform
        Assert.True((await RunBuildAsync(PipelineArguments("Manifest"))).Succeeded, "Manifest failed");
        Build.Environment["CI"] = "true";
        var publish = await RunBuildAsync(PipelineArguments("Publish", "--skip"));
        Assert.Equal(2, publish.ExitCode);
        var error = Assert.Single(publish.Output.Split('\n'), l => l.StartsWith("ERROR: ", StringComparison.Ordinal));
        var native = PlatformDefault.Native(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture);
        Assert.Contains($"Manifest {ManifestPath} holds gcc14-clang20 and gcc15-clang20 for {native}, but Publish publishes them for linux/amd64, linux/arm64", error);
        Assert.Contains($"or pass --platforms {native} to publish what it holds", error);
        await AssertNothingPublishedAsync();
    }

    [IntegrationFact]
    public async Task An_image_not_in_the_registry_or_a_changed_platform_sbom_is_refused_before_anything_changes()
    {
        Assert.True((await RunBuildAsync(PipelineArguments("Manifest"))).Succeeded, "Manifest failed");
        var pristine = File.ReadAllText(ManifestPath);
        var manifest = ReadManifest();
        Assert.All(manifest.Permutations, p => Assert.Null(p.Archive)); // in the registry, not in an archive

        // The arm64 SBOM changed after Manifest recorded it.
        var arm64 = Path.Combine(ArtifactsDirectory, manifest.Permutations[1].Platforms[1].Sbom!.Path);
        var original = File.ReadAllText(arm64);
        File.AppendAllText(arm64, " ");
        var changed = await RunBuildAsync(PipelineArguments("Publish", "--skip"));
        Assert.NotEqual(0, changed.ExitCode);
        Assert.Contains($"Publish refused before pushing anything: gcc15-clang20: linux/arm64 SBOM {arm64} has digest sha256:", changed.Output);
        File.WriteAllText(arm64, original);

        // The manifest names an image the registry does not hold (staged elsewhere, or deleted), and no archive: nothing is signed or tagged.
        var node = JsonNode.Parse(pristine)!;
        node["permutations"]![0]!["digest"] = "sha256:" + new string('0', 64);
        File.WriteAllText(ManifestPath, node.ToJsonString());
        var missing = await RunBuildAsync(PipelineArguments("Publish", "--skip"));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains($"Publish refused before changing anything: gcc14-clang20's image {Repository}@sha256:{new string('0', 64)} is not in the registry and the manifest keeps no archive", missing.Output);
        await AssertNothingPublishedAsync();
    }
}
