using Pipeline.CI;
using Xunit;

namespace WorkflowTests;

/// <summary>What freshness.yml does: a daily re-scan whose SARIF goes to code scanning and whose rebuilds build-devcontainer.yml runs.</summary>
public class FreshnessWorkflowTests
{
    private static Yaml Committed() => Yaml.Parse(WorkflowTestSupport.Generated().Single(w => w.FileName == "freshness.yml").Text);
    private static Yaml Job => Committed()["jobs"]["freshness"];
    private static Yaml Step(Func<Yaml, bool> match) => Job["steps"].Items.Single(match);

    [Fact]
    public void It_runs_daily_and_by_hand_with_least_privilege_write_scopes_only_on_its_job()
    {
        var on = Committed()["on"];
        Assert.Equal(["schedule", "workflow_dispatch"], on.Keys);
        Assert.Matches(@"^\d+ \d+ \* \* \*$", on["schedule"].Items.Single()["cron"].Text); // every day
        Assert.Equal(["contents"], Committed()["permissions"].Keys);
        Assert.Equal("read", Committed()["permissions"]["contents"].Text);
        var permissions = Job["permissions"];
        Assert.Equal(["contents", "packages", "actions", "security-events"], permissions.Keys);
        Assert.Equal(("read", "read", "write", "write"),
            (permissions["contents"].Text, permissions["packages"].Text, permissions["actions"].Text, permissions["security-events"].Text));
        Assert.Null(Job["concurrency"].Text); // it moves no tag: the dispatched publish job queues in the registry group
    }

    [Fact]
    public void Refresh_gets_the_maximum_age_and_the_publishing_workflow_to_dispatch_then_its_sarif_folder_is_uploaded()
    {
        var refresh = Step(s => s["run"].Text?.StartsWith("./build.sh Refresh") == true);
        Assert.Equal("build-devcontainer.yml", refresh["env"]["REBUILD_WORKFLOW"].Text);
        Assert.Equal("${{ vars.DEVCONTAINER_MAX_IMAGE_AGE || 7 }}", refresh["env"]["MAX_IMAGE_AGE"].Text);
        Assert.Equal(CommonSteps.GitHubToken, refresh["env"]["GITHUB_TOKEN"].Text);
        var upload = Step(s => s["uses"].Text?.StartsWith("github/codeql-action/upload-sarif@") == true);
        Assert.Equal(PinnedActions.UploadSarif.Reference, upload["uses"].Text);
        Assert.Equal(["sarif_file"], upload["with"].Keys); // each file's runs carry their category (SarifReport)
        Assert.Equal("artifacts/refresh/sarif", upload["with"]["sarif_file"].Text);
        Assert.Equal("${{ !cancelled() && hashFiles('artifacts/refresh/sarif/*.sarif') != '' }}", upload["if"].Text);
        var names = Job["steps"].Items.Select(s => s["name"].Text).ToList();
        Assert.True(names.IndexOf(upload["name"].Text) > names.IndexOf(refresh["name"].Text), "the upload runs after Refresh");
        Assert.Contains(Job["steps"].Items, s => s["uses"].Text?.StartsWith("aquasecurity/setup-trivy@") == true);
    }
}
