using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Tools;

/// <summary>
/// UpdateBasePin on the real registry with skopeo: a copy of the fixture whose Dockerfile pins a tag of this test's own
/// repository by digest; a new image is pushed under that tag, and the target moves the pin to it (a dry run first shows
/// the change and writes nothing); a second run finds the pin current and changes nothing.
/// </summary>
public sealed class UpdateBasePinTests(ITestOutputHelper output) : IntegrationTest(output)
{
    [IntegrationFact]
    public async Task The_pin_follows_its_tag_to_the_new_digest_once_and_a_dry_run_only_shows_it()
    {
        var tag = Registry.Repository("busybox") + ":pin";
        await CopyAsync(["--all"], tag); // the multi-platform index
        var old = (await Harness.Skopeo.InspectRawAsync(tag)).Digest;
        var bakeFile = RepoPaths.CopyFixture(WorkDirectory);
        var dockerfile = Path.Combine(Path.GetDirectoryName(bakeFile)!, "Dockerfile");
        var original = File.ReadAllText(dockerfile);
        Assert.Contains("ARG BASE_IMAGE=127.0.0.1:5000/base/busybox:latest\n", original);
        File.WriteAllText(dockerfile, original.Replace("ARG BASE_IMAGE=127.0.0.1:5000/base/busybox:latest\n", $"ARG BASE_IMAGE={tag}@{old}\n"));
        var pinned = File.ReadAllText(dockerfile);

        // The tag moves: another image (the arm64 manifest alone) is pushed under it.
        await CopyAsync(["--override-arch", "arm64", "--override-os", "linux"], tag);
        var moved = (await Harness.Skopeo.InspectRawAsync(tag)).Digest;
        Assert.NotEqual(old, moved);
        string[] run = ["UpdateBasePin", "--bake-file", bakeFile, "--permutations", "gcc14-clang20", "--no-logo"];

        var plan = await RunBuildAsync([.. run, "--plan"]);
        Assert.Equal(0, plan.ExitCode);
        Assert.Contains("UpdateBasePin would resolve the tag of each base image pin", plan.Output);

        var dryRun = await RunBuildAsync([.. run, "--dry-run", "true"]);
        Assert.True(dryRun.Succeeded, "the dry run failed");
        var line = $":3 ARG BASE_IMAGE={tag}: {old} → {moved}";
        Assert.Contains(line, dryRun.Output);
        Assert.Equal(pinned, File.ReadAllText(dockerfile)); // shown, not written

        var update = await RunBuildAsync(run);
        Assert.True(update.Succeeded, "UpdateBasePin failed");
        Assert.Contains(line, update.Output);
        Assert.Equal(pinned.Replace($"@{old}\n", $"@{moved}\n"), File.ReadAllText(dockerfile)); // that line, nothing else
        var message = File.ReadAllText(Path.Combine(ArtifactsDirectory, "base-pin.md"));
        Assert.StartsWith("Move the base image pin to its tag's current digest\n\n", message);
        Assert.Contains(line, message);

        var again = await RunBuildAsync(run);
        Assert.True(again.Succeeded, "the second UpdateBasePin failed");
        Assert.Contains($":3 ARG BASE_IMAGE={tag} is current ({moved})", again.Output);
        Assert.Equal(pinned.Replace($"@{old}\n", $"@{moved}\n"), File.ReadAllText(dockerfile));
        Assert.StartsWith("The base image pins are current", File.ReadAllText(Path.Combine(ArtifactsDirectory, "base-pin.md")));
    }

    [IntegrationFact]
    public async Task A_Dockerfile_without_a_pin_is_refused_in_one_line_naming_the_fix()
    {
        var bakeFile = RepoPaths.CopyFixture(WorkDirectory);
        var result = await RunBuildAsync("UpdateBasePin", "--bake-file", bakeFile, "--permutations", "gcc14-clang20", "--no-logo");
        Assert.False(result.Succeeded);
        Assert.Contains("pins no base image by digest in a global ARG; write one before the first FROM", result.Output);
    }

    async Task CopyAsync(string[] options, string destination)
    {
        var copied = await RunToolAsync("skopeo", ["copy", .. options, "--src-tls-verify=false", "--dest-tls-verify=false",
            "docker://127.0.0.1:5000/base/busybox:latest", "docker://" + destination]);
        Assert.True(copied.Succeeded, "skopeo copy failed: " + copied.Output);
    }
}
