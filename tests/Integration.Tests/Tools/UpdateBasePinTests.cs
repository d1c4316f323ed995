using Integration.Tests.Bake;
using Integration.Tests.Harness;
using Tests.Shared;
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

    /// <summary>
    /// What update-base-pin.yml runs, end to end: UpdateBasePin moves the pin in a repository of the test's own, and
    /// ProposeBasePin puts that change on devcontainer/update-base-pin in "GitHub" (a bare clone behind the fake REST API)
    /// and opens one pull request; the next run keeps that pull request, one commit ahead of main; once main has the
    /// change, nothing is proposed.
    /// </summary>
    [IntegrationFact]
    public async Task The_moved_pin_is_proposed_as_one_pull_request_through_the_REST_API_and_nothing_once_main_has_it()
    {
        var tag = Registry.Repository("busybox") + ":pin";
        await CopyAsync(["--all"], tag);
        var old = (await Harness.Skopeo.InspectRawAsync(tag)).Digest;
        var root = Path.Combine(WorkDirectory, "repository");
        Directory.CreateDirectory(Path.Combine(root, ".nuke"));
        foreach (var file in new[] { "build.schema.json", "parameters.json" })
            File.Copy(Path.Combine(RepoPaths.Root, ".nuke", file), Path.Combine(root, ".nuke", file));
        File.WriteAllText(Path.Combine(root, ".gitignore"), ".nuke/temp/\n");
        var dockerfile = Path.Combine(Path.GetDirectoryName(RepoPaths.CopyFixture(root))!, "Dockerfile");
        File.WriteAllText(dockerfile, File.ReadAllText(dockerfile)
            .Replace("ARG BASE_IMAGE=127.0.0.1:5000/base/busybox:latest\n", $"ARG BASE_IMAGE={tag}@{old}\n"));
        var origin = Path.Combine(WorkDirectory, "origin.git");
        await GitAsync(root, "init", "-q", "-b", "main");
        await GitAsync(root, "add", "-A");
        await GitAsync(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "pinned");
        await GitAsync(WorkDirectory, "clone", "-q", "--bare", root, origin);
        await CopyAsync(["--override-arch", "arm64", "--override-os", "linux"], tag); // the tag moves
        var moved = (await Harness.Skopeo.InspectRawAsync(tag)).Digest;

        const string Token = "ghs_update_base_pin";
        await using var github = new FakeGitHubApi("acme/devcontainers", origin,
            token => token == Token ? new Dictionary<string, string> { ["contents"] = "write", ["pull-requests"] = "write" } : null);
        var environment = GitHubEvent.Push(WorkDirectory);
        environment["GITHUB_API_URL"] = github.ApiUrl;
        environment["GITHUB_TOKEN"] = Token;
        string[] run = ["UpdateBasePin", "ProposeBasePin", "--root", root, "--bake-file", "fixture/docker-bake.hcl", "--permutations", "gcc14-clang20", "--no-logo"];

        var first = await Build.RunAsync([.. run, "--artifacts", ArtifactsDirectory], null, environment, null);
        Assert.True(first.Succeeded, "UpdateBasePin ProposeBasePin failed");
        const string Branch = "devcontainer/update-base-pin";
        var main = await GitAsync(origin, "rev-parse", "main");
        Assert.Equal(File.ReadAllText(dockerfile), await GitAsync(origin, "show", $"{Branch}:fixture/Dockerfile") + "\n");
        Assert.Contains($"@{moved}\n", File.ReadAllText(dockerfile));
        Assert.Equal(main, await GitAsync(origin, "rev-parse", Branch + "^")); // one commit on main
        Assert.StartsWith("Move the base image pin to its tag's current digest", await GitAsync(origin, "log", "-1", "--format=%B", Branch));
        var pullRequest = Assert.Single(github.PullRequests);
        Assert.Equal((Branch, "main", "Move the base image pin to its tag's current digest"), (pullRequest.Head, pullRequest.Base, pullRequest.Title));
        Assert.Contains($"{old} → {moved}", pullRequest.Body);
        Assert.Contains($"Opened pull request #1 from {Branch}", first.Output);

        var second = await Build.RunAsync([.. run, "--artifacts", ArtifactsDirectory], null, environment, null);
        Assert.True(second.Succeeded, "the second run failed");
        Assert.Contains($"Updated the open pull request #1 from {Branch}", second.Output);
        Assert.Single(github.PullRequests);
        Assert.Equal(main, await GitAsync(origin, "rev-parse", Branch + "^")); // moved back to main first: still one commit ahead

        await GitAsync(origin, "update-ref", "refs/heads/main", Branch); // the pull request is merged
        var before = github.Requests.Count;
        var third = await Build.RunAsync([.. run, "--artifacts", ArtifactsDirectory], null, environment, null);
        Assert.True(third.Succeeded, "the third run failed");
        Assert.Contains("Nothing to propose: the base image pins on main are current", third.Output);
        Assert.Single(github.PullRequests);
        var thirdRequests = github.Requests.Skip(before).ToList();
        Assert.NotEmpty(thirdRequests);
        Assert.All(thirdRequests, r => Assert.StartsWith("GET ", r)); // it only read: no branch moved, nothing committed or opened
    }

    static async Task<string> GitAsync(string directory, params string[] arguments)
    {
        var git = await ProcessRunner.RunAsync("git", arguments, directory);
        Assert.True(git.Succeeded, $"git {string.Join(' ', arguments)}: {git.Output}");
        return git.StandardOutput.TrimEnd('\n');
    }

    [IntegrationFact]
    public async Task A_Dockerfile_without_a_pin_is_refused_in_one_line_naming_the_fix()
    {
        var bakeFile = RepoPaths.CopyFixture(WorkDirectory);
        var result = await RunBuildAsync("UpdateBasePin", "--bake-file", bakeFile, "--permutations", "gcc14-clang20", "--no-logo");
        Assert.Equal(2, result.ExitCode); // refused up front, before the target starts
        var error = Assert.Single(result.Output.Split('\n'), l => l.StartsWith("ERROR: ", StringComparison.Ordinal));
        Assert.Contains("pins no base image by digest in a global ARG; write one before the first FROM", error);
        Assert.DoesNotContain("Target UpdateBasePin", result.Output);
    }

    [IntegrationFact]
    public async Task A_pin_whose_registry_does_not_answer_is_refused_up_front_in_one_line_naming_the_image_its_line_and_the_fix()
    {
        var unreachable = $"127.0.0.1:{LoopbackPort.Free()}/base/busybox:pin";
        var bakeFile = RepoPaths.CopyFixture(WorkDirectory);
        var dockerfile = Path.Combine(Path.GetDirectoryName(bakeFile)!, "Dockerfile");
        File.WriteAllText(dockerfile, File.ReadAllText(dockerfile).Replace("ARG BASE_IMAGE=127.0.0.1:5000/base/busybox:latest\n",
            $"ARG BASE_IMAGE={unreachable}@sha256:{new string('a', 64)}\n"));
        var result = await RunBuildAsync("UpdateBasePin", "--bake-file", bakeFile, "--permutations", "gcc14-clang20", "--dry-run", "true", "--no-logo");
        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.Output.Split('\n'), l => l.StartsWith("ERROR: ", StringComparison.Ordinal));
        Assert.Contains($"ERROR: UpdateBasePin cannot resolve {unreachable} (ARG BASE_IMAGE at {dockerfile}:3): {unreachable.Split('/')[0]} does not answer (", error);
        Assert.Contains($"run it where {unreachable.Split('/')[0]} is reachable", error);
        Assert.Contains($"`docker buildx imagetools inspect {unreachable}`", error);
        Assert.DoesNotContain("WRN", result.Output); // no retry lines with skopeo's raw error
        Assert.DoesNotContain("Target UpdateBasePin", result.Output);
    }

    async Task CopyAsync(string[] options, string destination)
    {
        var copied = await RunToolAsync("skopeo", ["copy", .. options, "--src-tls-verify=false", "--dest-tls-verify=false",
            "docker://127.0.0.1:5000/base/busybox:latest", "docker://" + destination]);
        Assert.True(copied.Succeeded, "skopeo copy failed: " + copied.Output);
    }
}
