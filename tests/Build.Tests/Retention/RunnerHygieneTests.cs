using Pipeline.Retention;
using Xunit;

namespace BuildTests.Retention;

/// <summary>The Prune decision and the exact commands; a real prune never runs in tests (it would wipe the shared daemon).</summary>
public class RunnerHygieneTests
{
    [Theory]
    [InlineData(false, false, null, false, "developer machine")]
    [InlineData(false, false, "self-hosted", false, "developer machine")] // the variable alone, outside CI, is not enough
    [InlineData(false, true, "github-hosted", false, "github-hosted runner is discarded")]
    [InlineData(false, true, null, false, "CI runner is discarded")]
    [InlineData(false, true, "self-hosted", true, "self-hosted CI runner")]
    [InlineData(false, true, "Self-Hosted", true, "self-hosted CI runner")]
    [InlineData(true, false, null, true, "--prune was given")]
    [InlineData(true, true, "github-hosted", true, "--prune was given")]
    public void Prune_runs_only_when_asked_or_on_a_self_hosted_ci_runner(bool requested, bool server, string? runner, bool runs, string reason)
    {
        var decision = RunnerHygiene.Decide(requested, server, runner);

        Assert.Equal(runs, decision.Run);
        Assert.Contains(reason, decision.Reason);
        if (!runs) Assert.Contains("--prune", decision.Reason);
    }

    [Fact]
    public void The_commands_prune_everything_docker_and_buildx_keep()
    {
        var commands = RunnerHygiene.Commands(builder: null);

        Assert.Equal(2, commands.Count);
        Assert.Equal(["system", "prune", "--all", "--force", "--volumes"], commands[0]);
        Assert.Equal(["buildx", "prune", "--all", "--force"], commands[1]);
    }

    [Fact]
    public void A_named_builder_is_pruned_by_name()
    {
        Assert.Equal(["buildx", "prune", "--builder", "ci-builder", "--all", "--force"], RunnerHygiene.Commands("ci-builder")[1]);
    }
}
