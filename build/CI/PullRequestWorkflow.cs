namespace Pipeline.CI;

/// <summary>
/// A scheduled workflow whose targets rewrite files of the checkout (UpdateBasePin: the base image's digest pin) and that
/// proposes what they changed as a pull request from <see cref="Branch"/>: force-pushed each run, so one pull request stays
/// open and current; nothing changed, nothing is pushed. The targets write the commit message to
/// <see cref="MessageFile"/> (first line: the title).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class GitHubActionsPullRequestAttribute(string name) : GitHubActionsWorkflowAttribute(name)
{
    public string[] InvokedTargets { get; set; } = [];

    /// <summary>A cron expression (UTC) for the schedule trigger; the workflow can also be run by hand.</summary>
    public string? OnCronSchedule { get; set; }

    public string Branch { get; set; } = "";

    /// <summary>The commit message and pull request text a target writes, relative to the checkout (under artifacts/).</summary>
    public string MessageFile { get; set; } = "";

    /// <summary>
    /// A secret with a GitHub App installation token or fine-grained personal access token (contents and pull requests:
    /// write) used instead of GITHUB_TOKEN when set: events a GITHUB_TOKEN causes start no workflow run, so only with this
    /// token do the pull request's own checks run when it is opened or updated.
    /// </summary>
    public string TokenSecret { get; set; } = "DEVCONTAINER_PR_TOKEN";
}

/// <summary>The workflow of a <see cref="GitHubActionsPullRequestAttribute"/>: run the targets, then open or update the pull request.</summary>
public static class PullRequestWorkflowFactory
{
    public static Workflow Create(GitHubActionsPullRequestAttribute a)
    {
        if (a.InvokedTargets.Length == 0 || a.Branch.Length == 0 || a.MessageFile.Length == 0)
            throw new ArgumentException(
                $"Workflow '{a.Name}' needs InvokedTargets, Branch and MessageFile: what runs, where the change goes, what it says.");
        var steps = new List<Step>
        {
            CommonSteps.Checkout(), CommonSteps.SetupDotnet(), CommonSteps.NuGetCache(), CommonSteps.SetupSkopeo(),
            CommonSteps.Build(string.Join(", ", a.InvokedTargets), a.InvokedTargets, []),
            OpenOrUpdatePullRequest(a),
        };
        var job = new Job(a.Name, a.Name, RunsOn.Expression("${{ " + CommonSteps.RunnerLabels(a.RunsOnVariable, a.RunsOn) + " }}"), steps,
            Permissions: new Dictionary<string, string> { ["contents"] = "write", ["pull-requests"] = "write" },
            TimeoutMinutes: a.TimeoutMinutes);
        var on = new Triggers(Schedules: a.OnCronSchedule is { } cron ? [cron] : null, WorkflowDispatch: []);
        return new Workflow(a.Name, on, CommonSteps.ReadOnly, CommonSteps.PerWorkflowAndRef, [job]);
    }

    /// <summary>
    /// Commits what the targets changed to <see cref="GitHubActionsPullRequestAttribute.Branch"/> and opens a pull request
    /// against the branch the workflow ran on, or updates the open one. git pushes through gh's credential helper with
    /// GH_TOKEN (the checkout keeps no credentials). GitHub-hosted runners ship gh; elsewhere its absence is one error.
    /// </summary>
    static Step OpenOrUpdatePullRequest(GitHubActionsPullRequestAttribute a) => new("Open or update the pull request (" + a.Branch + ")",
        Run: string.Join("\n",
            "if git diff --quiet; then echo \"Nothing to propose: $(head -n 1 \"$MESSAGE_FILE\")\"; exit 0; fi",
            "command -v gh >/dev/null || "
                + "{ echo \"::error::gh (the GitHub CLI) is not on this runner; run the job on GitHub's ubuntu-24.04 or install gh.\"; exit 1; }",
            "git config user.name 'github-actions[bot]'",
            "git config user.email '41898282+github-actions[bot]@users.noreply.github.com'",
            "git switch --quiet -C \"$BRANCH\"",
            "git commit --quiet --all --file \"$MESSAGE_FILE\"",
            "gh auth setup-git",
            "git push --force origin \"HEAD:refs/heads/$BRANCH\"",
            "tail -n +3 \"$MESSAGE_FILE\" > \"$RUNNER_TEMP/pull-request.md\"",
            "if [ -n \"$(gh pr list --head \"$BRANCH\" --base \"$BASE\" --state open --json number --jq '.[].number')\" ]; then",
            "  echo \"Updated the open pull request from $BRANCH\"",
            "else",
            "  gh pr create --base \"$BASE\" --head \"$BRANCH\" --title \"$(head -n 1 \"$MESSAGE_FILE\")\" --body-file \"$RUNNER_TEMP/pull-request.md\"",
            "fi"),
        Env: new Dictionary<string, string>
        {
            ["GH_TOKEN"] = $"${{{{ secrets.{a.TokenSecret} || secrets.GITHUB_TOKEN }}}}",
            ["BRANCH"] = a.Branch,
            ["BASE"] = "${{ github.ref_name }}",
            ["MESSAGE_FILE"] = a.MessageFile,
        });
}
