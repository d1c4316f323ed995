namespace Pipeline.CI;

/// <summary>
/// A scheduled workflow whose targets rewrite files of the checkout and propose what they changed as a pull request
/// (UpdateBasePin, then ProposeBasePin through GitHub's REST API: the runner needs no gh or git credentials).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class GitHubActionsPullRequestAttribute(string name) : GitHubActionsWorkflowAttribute(name)
{
    public string[] InvokedTargets { get; set; } = [];

    /// <summary>A cron expression (UTC) for the schedule trigger; the workflow can also be run by hand.</summary>
    public string? OnCronSchedule { get; set; }

    /// <summary>
    /// A secret with a GitHub App installation token or fine-grained personal access token (contents and pull requests:
    /// write) used instead of GITHUB_TOKEN when set: events a GITHUB_TOKEN causes start no workflow run, so only with this
    /// token do the pull request's own checks run when it is opened or updated.
    /// </summary>
    public string TokenSecret { get; set; } = "DEVCONTAINER_PR_TOKEN";
}

/// <summary>The workflow of a <see cref="GitHubActionsPullRequestAttribute"/>: one job running its targets with the proposing token.</summary>
public static class PullRequestWorkflowFactory
{
    public static Workflow Create(GitHubActionsPullRequestAttribute a)
    {
        if (a.InvokedTargets.Length == 0)
            throw new ArgumentException($"Workflow '{a.Name}' needs InvokedTargets: what rewrites the files and what proposes them.");
        var steps = new List<Step>
        {
            CommonSteps.PrivateDockerConfig(), CommonSteps.Checkout(), CommonSteps.SetupDotnet(), CommonSteps.NuGetCache(), CommonSteps.SetupSkopeo(),
            CommonSteps.Build(string.Join(", ", a.InvokedTargets), a.InvokedTargets, [],
                new Dictionary<string, string> { ["GITHUB_TOKEN"] = $"${{{{ secrets.{a.TokenSecret} || secrets.GITHUB_TOKEN }}}}" }),
        };
        var job = new Job(a.Name, a.Name, RunsOn.Expression("${{ " + CommonSteps.RunnerLabels(a.RunsOnVariable, a.RunsOn) + " }}"), steps,
            Permissions: new Dictionary<string, string> { ["contents"] = "write", ["pull-requests"] = "write" },
            TimeoutMinutes: a.TimeoutMinutes);
        var on = new Triggers(Schedules: a.OnCronSchedule is { } cron ? [cron] : null, WorkflowDispatch: []);
        return new Workflow(a.Name, on, CommonSteps.ReadOnly, CommonSteps.PerWorkflowAndRef, [job]);
    }
}
