using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Bake;

/// <summary>
/// Issue 22, case 4: the first run on a machine that cannot pull the base image is refused before Bake, in one line naming
/// the image, the bake variable that overrides it and the README section (not BuildKit's DNS line after Bake started);
/// a pinned image only the local image store holds goes ahead with a warning.
/// </summary>
public sealed class ExternalImageTests(ITestOutputHelper output) : BakeScenario(output)
{
    const string Id = "gcc14-clang20";
    const string LocalBase = "127.0.0.1:5000/base/busybox:latest";

    [IntegrationFact]
    public async Task A_base_image_on_a_registry_that_does_not_answer_is_one_line_naming_BASE_IMAGE_and_exit_2_with_nothing_built()
    {
        var unreachable = $"127.0.0.1:{LoopbackPort.Free()}/base/busybox:latest";
        var result = await RunOnFixtureAsync(new Dictionary<string, string?> { ["BASE_IMAGE"] = unreachable }, "Bake", "--permutations", Id, "--cache", "none");

        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.Output.Split('\n'), l => l.StartsWith("ERROR: ", StringComparison.Ordinal));
        Assert.Contains($"FROM image {unreachable} (Dockerfile:5, for {Id}) cannot be pulled: {unreachable.Split('/')[0]} does not answer (", error);
        Assert.Contains("connection refused", error);
        Assert.Contains("set the bake variable BASE_IMAGE to an image this machine can pull, e.g. BASE_IMAGE=<registry>/busybox:latest ./build.sh", error);
        Assert.EndsWith("(README, \"Building the images\").", error.TrimEnd());
        Assert.DoesNotContain("═══ Bake", result.Output); // refused before Bake started
        Assert.False(File.Exists(Archive(Id)), "an archive was written");
        Assert.False(File.Exists(Path.Combine(ArtifactsDirectory, "bake-plan.json")), "Bake planned");
    }

    [IntegrationFact]
    public async Task Without_a_bake_variable_the_line_names_the_Dockerfile_line_that_sets_the_image()
    {
        var unreachable = $"127.0.0.1:{LoopbackPort.Free()}/base/busybox:latest";
        var bakeFile = RepoPaths.CopyFixture(WorkDirectory);
        var dockerfile = Path.Combine(Path.GetDirectoryName(bakeFile)!, "Dockerfile");
        File.WriteAllText(dockerfile, File.ReadAllText(dockerfile).Replace("FROM ${BASE_IMAGE} AS image", $"FROM {unreachable} AS image"));
        var result = await RunBuildAsync("Bake", "--bake-file", bakeFile, "--registry", Registry.Prefix, "--cache", "none", "--permutations", Id, "--no-logo");

        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.Output.Split('\n'), l => l.StartsWith("ERROR: ", StringComparison.Ordinal));
        Assert.Contains($"FROM image {unreachable} (Dockerfile:5, for {Id}) cannot be pulled", error);
        Assert.Contains("change it at Dockerfile:5 (or the bake target's args) to an image this machine can pull (README, \"Building the images\")", error);
        Assert.DoesNotContain("bake variable", error);
    }

    [IntegrationFact]
    public async Task A_pinned_base_only_the_local_image_store_holds_is_let_through_with_a_warning_and_a_failed_bake_names_it()
    {
        // The fixture's base under a name whose registry nobody serves: only the image store has it (docker tag records it by digest).
        var name = $"127.0.0.1:{LoopbackPort.Free()}/{Registry.Namespace}/busybox";
        Assert.True((await RunToolAsync("docker", ["pull", "-q", LocalBase])).Succeeded, "the toolchain's base image could not be pulled");
        Assert.True((await RunToolAsync("docker", ["tag", LocalBase, name + ":latest"])).Succeeded, "docker tag failed");
        try
        {
            var digests = await RunToolAsync("docker", ["image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}", name + ":latest"]);
            var pinned = digests.StandardOutput.Split('\n', StringSplitOptions.TrimEntries).Single(d => d.StartsWith(name + "@sha256:", StringComparison.Ordinal));

            var result = await RunOnFixtureAsync(new Dictionary<string, string?> { ["BASE_IMAGE"] = pinned },
                "Bake", "--permutations", Id, "--platforms", "linux/amd64", "--cache", "none");
            Assert.NotEqual(2, result.ExitCode);
            Assert.Contains("═══ Bake", result.Output); // not refused up front
            var warning = Assert.Single(result.Output.Split('\n'), l => l.Contains("WRN: FROM image ", StringComparison.Ordinal));
            Assert.Contains($"FROM image {pinned} (Dockerfile:5, for {Id}) cannot be pulled: {name.Split('/')[0]} does not answer (", warning);
            Assert.Contains("the local image store holds it, but BuildKit resolves a pinned image through its registry unless it resolved it before", warning);
            // Docker 26 resolves the digest through the registry, so the bake fails; the failure then names the image.
            if (!result.Succeeded) Assert.Contains($"the up-front check warned that its registry does not answer for {pinned}", result.Output);
        }
        finally
        {
            await RunToolAsync("docker", ["image", "rm", name + ":latest"]); // the tag only; the image stays the toolchain's
        }
    }
}
