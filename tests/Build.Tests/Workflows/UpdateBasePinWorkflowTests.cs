using Xunit;

namespace WorkflowTests;

/// <summary>update-base-pin.yml: UpdateBasePin weekly and by hand, its change proposed as one pull request.</summary>
public class UpdateBasePinWorkflowTests
{
    static Yaml Workflow => Yaml.Parse(WorkflowTestSupport.Generated().Single(w => w.FileName == "update-base-pin.yml").Text);
    static Yaml Job => Workflow["jobs"]["update-base-pin"];

    [Fact]
    public void Runs_weekly_and_by_hand_on_a_github_hosted_runner_with_only_the_write_scopes_a_pull_request_needs()
    {
        Assert.Matches(@"^\d+ \d+ \* \* [0-6]$", Workflow["on"]["schedule"].Items.Single()["cron"].Text!);
        Assert.True(Workflow["on"]["workflow_dispatch"].Exists);
        Assert.Equal("${{ fromJSON(vars.DEVCONTAINER_RUNS_ON_UPDATES || '[\"ubuntu-24.04\"]') }}", Job["runs-on"].Text);
        Assert.Equal(["contents", "pull-requests"], Job["permissions"].Keys.Order(StringComparer.Ordinal));
        Assert.All(Job["permissions"].Keys, k => Assert.Equal("write", Job["permissions"][k].Text));
        Assert.False(Job["permissions"]["packages"].Exists);
    }

    [Fact]
    public void The_target_runs_first_then_the_pull_request_step_commits_only_a_change_and_pushes_with_the_token_from_env()
    {
        var steps = Job["steps"].Items;
        Assert.Equal(false.ToString().ToLowerInvariant(), steps[0]["with"]["persist-credentials"].Text); // the push uses GH_TOKEN only
        var build = steps.ToList().FindIndex(s => s["run"].Text == "./build.sh UpdateBasePin");
        var pullRequest = steps.ToList().FindIndex(s => s["run"].Text?.Contains("gh pr create") == true);
        Assert.True(build >= 0 && build + 1 == pullRequest, "UpdateBasePin, then the pull request");
        var run = steps[pullRequest]["run"].Text!;
        Assert.StartsWith("if git diff --quiet; then", run); // nothing moved: nothing pushed, no pull request
        Assert.Contains("gh auth setup-git", run);
        Assert.Contains("git push --force origin \"HEAD:refs/heads/$BRANCH\"", run);
        Assert.Contains("gh pr list --head \"$BRANCH\" --base \"$BASE\" --state open", run); // one open pull request, updated
        Assert.Equal("${{ secrets.DEVCONTAINER_PR_TOKEN || secrets.GITHUB_TOKEN }}", steps[pullRequest]["env"]["GH_TOKEN"].Text);
        // The message is the file UpdateBasePin declares it produces (ArtifactLayout.BasePinChange), under the default --artifacts.
        var layout = new Pipeline.Model.ArtifactLayout(Pipeline.Host.AbsolutePath.Create("/repo/artifacts"));
        Assert.Equal("artifacts/base-pin.md", layout.BasePinChange.RelativeTo(Pipeline.Host.AbsolutePath.Create("/repo")));
        Assert.Equal("artifacts/base-pin.md", steps[pullRequest]["env"]["MESSAGE_FILE"].Text);
        Assert.Equal("${{ github.ref_name }}", steps[pullRequest]["env"]["BASE"].Text);
    }
}
