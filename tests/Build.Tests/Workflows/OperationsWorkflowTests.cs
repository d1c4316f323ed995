using Xunit;

namespace WorkflowTests;

/// <summary>retention.yml and rollback.yml: triggers, inputs passed through env:, least privilege.</summary>
public class OperationsWorkflowTests
{
    private static Yaml Workflow(string file) => Yaml.Parse(WorkflowTestSupport.Generated().Single(w => w.FileName == file).Text);

    [Fact]
    public void Retention_runs_weekly_and_by_hand_with_a_dry_run_input_passed_through_env()
    {
        var workflow = Workflow("retention.yml");
        Assert.Single(workflow["on"]["schedule"].Items);
        Assert.Matches(@"^\d+ \d+ \* \* [0-6]$", workflow["on"]["schedule"].Items[0]["cron"].Text!);
        var input = workflow["on"]["workflow_dispatch"]["inputs"]["dry-run"];
        Assert.Equal("boolean", input["type"].Text);
        Assert.Equal("true", input["default"].Text);
        var step = workflow["jobs"]["retention"]["steps"].Items.Single(s => s["run"].Text?.StartsWith("./build.sh Retention") == true);
        Assert.Contains("--dry-run \"$DRY_RUN\"", step["run"].Text);
        Assert.Equal("${{ inputs.dry-run || false }}", step["env"]["DRY_RUN"].Text);
        Assert.Equal("${{ secrets.GITHUB_TOKEN }}", step["env"]["GITHUB_TOKEN"].Text);
    }

    [Fact]
    public void Rollback_runs_by_hand_with_the_manifest_input_passed_through_env_after_logging_in()
    {
        var workflow = Workflow("rollback.yml");
        Assert.Equal(["workflow_dispatch"], workflow["on"].Keys);
        var input = workflow["on"]["workflow_dispatch"]["inputs"]["manifest"];
        Assert.Equal("string", input["type"].Text);
        Assert.Equal("true", input["required"].Text);
        var job = workflow["jobs"]["rollback"];
        var rollback = job.IndexOfStep(s => s["run"].Text?.StartsWith("./build.sh Rollback --manifest \"$MANIFEST\"") == true);
        var login = job.IndexOfStep(s => s["run"].Text?.Contains("docker login") == true);
        Assert.True(login >= 0 && rollback > login);
        Assert.Equal("${{ inputs.manifest }}", job["steps"].Items[rollback]["env"]["MANIFEST"].Text);
    }
}
