using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Rehearsal;

/// <summary>
/// The generated test.yml run on this machine for a same-repository pull request. The unit job runs the unit suites in
/// a clean clone of the commit under test, with nothing beside it (no ../shared, as on GitHub), and passes; without
/// DEVCONTAINER_TOOLCHAIN_RUNS_ON the toolchain job is skipped and the unit job says where the integration tests run.
/// With the variable, the toolchain job runs here, where the toolchain is: its own Docker config, the checkout and the
/// devcontainer CLI from its lock file; only its test command is left out, since it is the command running this test.
/// </summary>
[Collection(RehearsalSetup.Collection)]
public sealed class TestWorkflowRehearsalTests(ITestOutputHelper output) : RehearsalTest(output, "test-rehearsal")
{
    const string TestCommand = "dotnet test devcontainer-pipeline.sln";

    [IntegrationFact]
    public async Task The_unit_job_passes_from_a_clean_clone_and_the_toolchain_job_runs_only_where_a_runner_is_named()
    {
        var pullRequest = RehearsalEvent.PullRequest(RehearsalSetup.PullRequestNumber, Setup.Sha, RehearsalSetup.Repository);

        var hostedOnly = await RehearseAsync(pullRequest, "unit", toolchainRunner: false);
        Assert.True(hostedOnly.Succeeded, hostedOnly.Summary);
        Assert.Equal([("unit", "success"), ("toolchain", "skipped")], hostedOnly.Jobs.Select(j => (j.Id, j.Result)));
        var unit = hostedOnly.Of("unit").Single();
        foreach (var project in new[] { "tests/Host.Tests", "tests/Build.Tests" })
        {
            var tests = unit.Step($"Run the unit tests (dotnet test {project})");
            Assert.Equal("success", tests.Outcome);
            Assert.Matches(@"Passed!\s+-\s+Failed:\s+0, Passed:\s+[1-9]\d*", tests.Output);
        }
        // As on GitHub, nothing is beside the clone (no ../shared): the unit suites need only the repository.
        var clone = Path.Combine(Directory.GetDirectories(Path.Combine(Scratch, "unit", "jobs"), "*-unit").Single(), "workspace");
        Assert.False(Directory.Exists(Path.Combine(clone, "..", "shared")));
        Assert.True(File.Exists(Path.Combine(clone, "tests", "Build.Tests", "Workflows", "Fixtures", "github-workflow.schema.json")));
        Assert.Contains("::notice::Only the unit tests ran here.", unit.Step("Say where the integration tests run").Output);

        var withToolchain = await RehearseAsync(pullRequest, "toolchain", toolchainRunner: true);
        Assert.True(withToolchain.Succeeded, withToolchain.Summary);
        var toolchain = withToolchain.Of("toolchain").Single();
        Assert.Equal("success", toolchain.Result);
        Assert.Equal("success", toolchain.Step("Install the devcontainer CLI").Outcome);
        Assert.Equal("left out", toolchain.Step($"Run the tests ({TestCommand})").Outcome);
        Assert.Equal("skipped", withToolchain.Of("unit").Single().Step("Say where the integration tests run").Outcome);
        var workspace = Directory.GetDirectories(Path.Combine(Scratch, "toolchain", "jobs"), "*-toolchain").Single();
        Assert.True(File.Exists(Path.Combine(workspace, "workspace", ".ci", "devcontainer-cli", "node_modules", ".bin", "devcontainer")));
        Assert.True(File.Exists(Path.Combine(workspace, "temp", "docker-config", "config.json")), "the job's own Docker config");
    }

    async Task<RehearsalReport> RehearseAsync(RehearsalEvent @event, string runName, bool toolchainRunner)
    {
        // The second run need not repeat the unit suites the first one ran; the toolchain job's test command is this test.
        string? LeaveOut(JobDefinition job, StepDefinition step) =>
            step.Run == TestCommand ? "it would run this rehearsal inside itself"
            : toolchainRunner && job.Id == "unit" && step.Run?.StartsWith("dotnet test ") == true ? "the first run ran it" : null;
        var machine = Setup.Machine(runName, [], Log, LeaveOut, onTheFixture: false);
        if (toolchainRunner) machine.Variables["DEVCONTAINER_TOOLCHAIN_RUNS_ON"] = "[\"self-hosted\",\"linux\",\"x64\",\"container-toolchain\"]";
        return await RehearseAsync(Workflow("test.yml"), @event, machine, runName);
    }

}
