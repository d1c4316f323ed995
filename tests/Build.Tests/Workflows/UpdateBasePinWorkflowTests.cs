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
    public void One_step_rewrites_the_pin_and_proposes_it_through_the_REST_API_with_the_proposing_token_and_no_gh()
    {
        var steps = Job["steps"].Items;
        var checkout = steps.Single(s => s["uses"].Text?.StartsWith("actions/checkout@", StringComparison.Ordinal) == true);
        Assert.Equal("false", checkout["with"]["persist-credentials"].Text); // nothing pushes with git
        var build = Assert.Single(steps, s => s["run"].Text?.StartsWith("./build.sh ", StringComparison.Ordinal) == true);
        Assert.Equal("./build.sh UpdateBasePin ProposeBasePin", build["run"].Text);
        Assert.Equal("${{ secrets.DEVCONTAINER_PR_TOKEN || secrets.GITHUB_TOKEN }}", build["env"]["GITHUB_TOKEN"].Text);
        Assert.DoesNotContain(steps, s => s["run"].Text is { } run && (run.Contains("gh ") || run.Contains("git push")));
    }
}
