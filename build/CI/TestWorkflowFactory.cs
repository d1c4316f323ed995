namespace Pipeline.CI;

/// <summary>test.yml: the README's test command on every pull request, read-only, on the repository's runners (a fork's on a hosted one).</summary>
public static class TestWorkflowFactory
{
    public const string JobId = "test";

    public static Workflow Create(GitHubActionsTestsAttribute a)
    {
        var runner = $"fromJSON({MatrixWorkflowFactory.FromFork} && '{CommonSteps.LabelsJson([a.ForkRunsOn])}' || vars.{a.RunsOnVariable} || '{CommonSteps.LabelsJson(a.RunsOn)}')";
        var steps = new List<Step>
        {
            CommonSteps.Checkout(), CommonSteps.SetupDotnet(), CommonSteps.NuGetCache(), CommonSteps.RunnerHygieneBefore(),
            new("Run the tests (" + a.Command + ")", Run: a.Command),
            CommonSteps.RunnerHygieneAfter(),
        };
        var job = new Job(JobId, "tests", RunsOn.Expression("${{ " + runner + " }}"), steps, TimeoutMinutes: a.TimeoutMinutes);
        return new Workflow(a.Name, new Triggers(PullRequest: new PullRequestTrigger([])), CommonSteps.ReadOnly, CommonSteps.PerWorkflowAndRef, [job]);
    }
}
