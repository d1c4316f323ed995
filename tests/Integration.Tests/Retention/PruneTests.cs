using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Retention;

/// <summary>
/// Prune on a self-hosted CI runner that other runners share, with the real docker and buildx, on a private dockerd
/// (FreshBuilder: a wrong prune could only ever empty that one): the job's own builders go, a neighbour's builder and
/// image stay; on a runner marked ephemeral the whole machine is pruned.
/// </summary>
public sealed class PruneTests(ITestOutputHelper output) : IntegrationTest(output)
{
    const string NeighbourImage = "neighbour/left-alone:1";

    [IntegrationFact]
    public async Task On_a_shared_runner_Prune_removes_only_the_builders_in_the_jobs_own_docker_config()
    {
        using var daemon = await FreshBuilder.StartAsync(Output);
        var (runnerTemp, jobConfig, neighbourConfig) = await RunnerAsync(daemon);

        var prune = await PruneAsync(daemon, runnerTemp, jobConfig, ephemeral: false);

        Assert.True(prune.Succeeded, prune.Output);
        Assert.Contains("only this job's own buildx builders are removed", prune.Output);
        Assert.Contains("this job's buildx builders (in " + jobConfig + "): job-builder", prune.Output);
        Assert.DoesNotContain("job-builder", await BuildersAsync(daemon, jobConfig));
        Assert.Contains("neighbour-builder", await BuildersAsync(daemon, neighbourConfig));
        Assert.True((await Docker(daemon, null, "image", "inspect", NeighbourImage)).Succeeded, "the neighbour's image was removed");
    }

    [IntegrationFact]
    public async Task A_docker_config_that_is_not_the_jobs_own_is_left_alone()
    {
        using var daemon = await FreshBuilder.StartAsync(Output);
        var (runnerTemp, _, neighbourConfig) = await RunnerAsync(daemon);

        var prune = await PruneAsync(daemon, runnerTemp, neighbourConfig, ephemeral: false);

        Assert.True(prune.Succeeded, prune.Output);
        Assert.Contains("is not this job's own (under RUNNER_TEMP)", prune.Output);
        Assert.Contains("neighbour-builder", await BuildersAsync(daemon, neighbourConfig));
    }

    [IntegrationFact]
    public async Task On_an_ephemeral_runner_Prune_prunes_the_whole_machine()
    {
        using var daemon = await FreshBuilder.StartAsync(Output);
        var (runnerTemp, jobConfig, _) = await RunnerAsync(daemon);

        var prune = await PruneAsync(daemon, runnerTemp, jobConfig, ephemeral: true);

        Assert.True(prune.Succeeded, prune.Output);
        Assert.Contains("ephemeral self-hosted CI runner", prune.Output);
        Assert.False((await Docker(daemon, null, "image", "inspect", NeighbourImage)).Succeeded, "an unused image survived the machine prune");
    }

    /// <summary>A runner's temp folder with the job's Docker config (as the workflow's first step makes it), a neighbour's config, a builder in each and an image.</summary>
    async Task<(string RunnerTemp, string JobConfig, string NeighbourConfig)> RunnerAsync(FreshBuilder daemon)
    {
        var runnerTemp = Path.Combine(WorkDirectory, "runner-temp");
        var jobConfig = Path.Combine(runnerTemp, "docker-config");
        var neighbourConfig = Path.Combine(WorkDirectory, "neighbour-home", ".docker");
        var plugins = Path.Combine(ToolchainEnvironment.Get("DOCKER_CONFIG")!, "cli-plugins");
        foreach (var config in new[] { jobConfig, neighbourConfig })
        {
            Directory.CreateDirectory(config);
            Directory.CreateSymbolicLink(Path.Combine(config, "cli-plugins"), plugins);
        }
        // remote-driver builders: real buildx instances that need no BuildKit image (none can be pulled here).
        Assert.True((await Docker(daemon, jobConfig, "buildx", "create", "--name", "job-builder", "--driver", "remote", "tcp://127.0.0.1:2")).Succeeded);
        Assert.True((await Docker(daemon, neighbourConfig, "buildx", "create", "--name", "neighbour-builder", "--driver", "remote", "tcp://127.0.0.1:3")).Succeeded);
        var root = Path.Combine(WorkDirectory, "image-root");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "left-alone"), "a neighbour's image\n");
        var import = await ProcessRunner.RunAsync("bash", ["-c", "tar -C \"$1\" -c . | docker import - \"$2\"", "import", root, NeighbourImage],
            environment: daemon.Environment);
        Assert.True(import.Succeeded, import.Output);
        return (runnerTemp, jobConfig, neighbourConfig);
    }

    Task<ProcessResult> PruneAsync(FreshBuilder daemon, string runnerTemp, string dockerConfig, bool ephemeral) =>
        Build.RunAsync(["Prune"], null, new Dictionary<string, string?>(daemon.Environment)
        {
            ["CI"] = "true", ["RUNNER_ENVIRONMENT"] = "self-hosted", ["RUNNER_TEMP"] = runnerTemp, ["DOCKER_CONFIG"] = dockerConfig,
            ["DEVCONTAINER_EPHEMERAL_RUNNER"] = ephemeral ? "true" : null,
        }, null);

    async Task<string> BuildersAsync(FreshBuilder daemon, string config) => (await Docker(daemon, config, "buildx", "ls")).StandardOutput;

    Task<ProcessResult> Docker(FreshBuilder daemon, string? config, params string[] arguments) =>
        RunToolAsync("docker", arguments, environment: config is null ? daemon.Environment
            : new Dictionary<string, string?>(daemon.Environment) { ["DOCKER_CONFIG"] = config });
}
