using Pipeline.Retention;
using Xunit;

namespace BuildTests.Retention;

/// <summary>The Prune decision, its scope and the exact commands; a real prune never runs in tests (it would wipe the shared daemon).</summary>
public class RunnerHygieneTests
{
    [Theory]
    [InlineData(false, false, null, false, false, "developer machine")]
    [InlineData(false, false, "self-hosted", false, false, "developer machine")] // the variable alone, outside CI, is not enough
    [InlineData(false, true, "github-hosted", false, false, "github-hosted runner is discarded")]
    [InlineData(false, true, null, false, false, "CI runner is discarded")]
    [InlineData(false, true, "self-hosted", false, true, "other jobs share")]
    [InlineData(false, true, "Self-Hosted", false, true, "other jobs share")]
    [InlineData(false, true, "self-hosted", true, true, "ephemeral self-hosted CI runner")]
    [InlineData(true, false, null, false, true, "--prune was given")]
    [InlineData(true, true, "github-hosted", false, true, "--prune was given")]
    public void Prune_runs_only_when_asked_or_on_a_self_hosted_ci_runner(bool requested, bool server, string? runner, bool ephemeral, bool runs, string reason)
    {
        var decision = RunnerHygiene.Decide(requested, server, runner, ephemeral);

        Assert.Equal(runs, decision.Run);
        Assert.Contains(reason, decision.Reason);
        if (!runs) Assert.Contains("--prune", decision.Reason);
    }

    [Theory]
    [InlineData(true, true, false, PruneScope.Machine)]   // a developer who asked
    [InlineData(false, true, true, PruneScope.Machine)]   // a runner that serves one job
    [InlineData(false, true, false, PruneScope.Job)]      // a runner other jobs share
    [InlineData(true, true, true, PruneScope.Machine)]
    public void Only_a_shared_self_hosted_runner_prunes_just_the_jobs_own_state(bool requested, bool server, bool ephemeral, PruneScope scope)
    {
        Assert.Equal(scope, RunnerHygiene.Decide(requested, server, "self-hosted", ephemeral).Scope);
    }

    [Fact]
    public void The_machine_scope_prunes_everything_docker_and_buildx_keep()
    {
        var commands = RunnerHygiene.Commands(PruneScope.Machine, builder: null, ownBuilders: ["ignored"]);

        Assert.Equal(2, commands.Count);
        Assert.Equal(["system", "prune", "--all", "--force", "--volumes"], commands[0]);
        Assert.Equal(["buildx", "prune", "--all", "--force"], commands[1]);
        Assert.Equal(["buildx", "prune", "--builder", "ci-builder", "--all", "--force"], RunnerHygiene.Commands(PruneScope.Machine, "ci-builder", [])[1]);
    }

    [Fact]
    public void The_job_scope_removes_only_the_jobs_own_builders_and_nothing_machine_wide()
    {
        var commands = RunnerHygiene.Commands(PruneScope.Job, builder: "shared-remote", ownBuilders: ["builder-1", "builder-2"]);

        Assert.Equal([["buildx", "rm", "builder-1"], ["buildx", "rm", "builder-2"]], commands.Select(c => c.ToArray()));
        Assert.DoesNotContain(commands, c => c.Contains("prune") || c.Contains("shared-remote"));
        Assert.Empty(RunnerHygiene.Commands(PruneScope.Job, null, []));
    }

    [Theory]
    [InlineData("/runner/_work/_temp/docker-config", "/runner/_work/_temp", true)]
    [InlineData("/home/runner/.docker", "/runner/_work/_temp", false)]   // the user's shared config
    [InlineData("/runner/_work/_temp-other/docker-config", "/runner/_work/_temp", false)] // a prefix is not a parent
    [InlineData(null, "/runner/_work/_temp", false)]
    [InlineData("/runner/_work/_temp/docker-config", null, false)]
    public void A_builder_is_the_jobs_own_only_when_its_docker_config_is_under_runner_temp(string? config, string? temp, bool own)
    {
        var (builders, note) = RunnerHygiene.OwnBuilders(config, temp, ["builder-b", "builder-a"]);

        Assert.Equal(own ? ["builder-a", "builder-b"] : [], builders);
        Assert.Contains(own ? "this job's buildx builders" : "is not this job's own", note);
    }
}
