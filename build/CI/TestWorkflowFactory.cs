namespace Pipeline.CI;

/// <summary>
/// test.yml: on every pull request, read-only. `unit` runs the unit suites on a GitHub-hosted runner; `toolchain` runs
/// the README's test command where the container toolchain is (a self-hosted runner the repository names), never for a
/// fork's pull request.
/// </summary>
public static class TestWorkflowFactory
{
    public const string UnitJobId = "unit";
    public const string ToolchainJobId = "toolchain";

    public static Workflow Create(GitHubActionsTestsAttribute a)
    {
        if (a.UnitTestProjects.Length == 0) throw new ArgumentException($"Workflow '{a.Name}' has no UnitTestProjects; name the test projects that need no Docker.");
        var toolchainSet = $"vars.{a.ToolchainRunsOnVariable} != ''";
        var unitSteps = new List<Step> { CommonSteps.Checkout(), CommonSteps.SetupDotnet(), CommonSteps.NuGetCache() };
        unitSteps.AddRange(a.UnitTestProjects.Select(project => new Step($"Run the unit tests (dotnet test {project})", Run: "dotnet test " + project)));
        unitSteps.Add(new Step("Say where the integration tests run", If: "${{ !(" + toolchainSet + ") || " + MatrixWorkflowFactory.FromFork + " }}",
            Run: $"echo \"::notice::Only the unit tests ran here. {a.Command} (the integration tests too) runs in the job '{ToolchainJobId}' on the runner " +
                 $"named by the repository variable {a.ToolchainRunsOnVariable} (one with the container toolchain; README, CI workflows), never for a fork's pull request.\""));
        var unit = new Job(UnitJobId, "unit tests (GitHub-hosted)", new RunsOn([a.HostedRunsOn]), unitSteps, TimeoutMinutes: a.TimeoutMinutes);

        var toolchainSteps = new List<Step>
        {
            CommonSteps.PrivateDockerConfig(), CommonSteps.Checkout(), CommonSteps.SetupDotnet(), CommonSteps.NuGetCache(), CommonSteps.RunnerHygieneBefore(),
            // The real-image tests drive the devcontainer CLI, pinned with its integrity in the lock file (as .ci/run installs it).
            new("Install the devcontainer CLI (.ci/devcontainer-cli/package-lock.json)",
                Run: "npm ci --prefix .ci/devcontainer-cli --no-audit --no-fund\n"
                   + "echo \"DEVCONTAINER_CLI=$GITHUB_WORKSPACE/.ci/devcontainer-cli/node_modules/.bin/devcontainer\" >> \"$GITHUB_ENV\""),
            new("Run the tests (" + a.Command + ")", Run: a.Command),
            CommonSteps.RunnerHygieneAfter(),
        };
        var toolchain = new Job(ToolchainJobId, "all tests (container toolchain runner)",
            // The fallback is never used (the job's if: is evaluated first); it keeps fromJSON's argument a JSON array.
            RunsOn.Expression($"${{{{ fromJSON(vars.{a.ToolchainRunsOnVariable} || '{CommonSteps.LabelsJson(a.RunsOn)}') }}}}"), toolchainSteps,
            If: "${{ " + toolchainSet + " && " + MatrixWorkflowFactory.FromThisRepository + " }}",
            TimeoutMinutes: a.ToolchainTimeoutMinutes);
        return new Workflow(a.Name, new Triggers(PullRequest: new PullRequestTrigger([])), CommonSteps.ReadOnly, CommonSteps.PerWorkflowAndRef, [unit, toolchain]);
    }
}
