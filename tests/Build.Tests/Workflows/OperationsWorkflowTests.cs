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
        Assert.DoesNotContain(workflow["jobs"]["retention"]["steps"].Items, s => s["run"].Text?.Contains("docker login") == true);
    }

    [Fact]
    public void Jobs_that_move_tags_or_delete_share_one_registry_concurrency_group_with_publish()
    {
        var publish = Workflow("build-devcontainer.yml")["jobs"]["publish"]["concurrency"];
        foreach (var (file, job) in new[] { ("retention.yml", "retention"), ("rollback.yml", "rollback") })
        {
            var concurrency = Workflow(file)["jobs"][job]["concurrency"];
            Assert.Equal(publish["group"].Text, concurrency["group"].Text);
            Assert.Equal("false", concurrency["cancel-in-progress"].Text);
        }
    }

    [Fact]
    public void Rollback_runs_in_a_protected_environment_with_cosign_and_skopeo_installed()
    {
        var job = Workflow("rollback.yml")["jobs"]["rollback"];
        Assert.Equal("registry-rollback", job["environment"].Text);
        Assert.Contains(job["steps"].Items, s => s["uses"].Text?.StartsWith("sigstore/cosign-installer@") == true);
        Assert.Contains(job["steps"].Items, s => s["env"]["SKOPEO_MINIMUM"].Text == Pipeline.CI.PinnedImages.SkopeoMinimumVersion);
    }

    [Fact]
    public void Tests_run_on_every_pull_request_read_only_the_unit_suites_hosted_and_the_README_command_where_the_toolchain_is()
    {
        var workflow = Workflow("test.yml");
        Assert.Equal(["pull_request"], workflow["on"].Keys);
        Assert.False(workflow["on"]["pull_request"]["paths"].Exists);
        Assert.Equal(["unit", "toolchain"], workflow["jobs"].Keys);
        Assert.All(workflow["jobs"].Keys, id => Assert.False(workflow["jobs"][id]["permissions"].Exists));
        var unit = workflow["jobs"]["unit"];
        Assert.Equal("ubuntu-24.04", unit["runs-on"].Text);
        Assert.Equal(["dotnet test tests/Host.Tests", "dotnet test tests/Build.Tests"],
            unit["steps"].Items.Select(s => s["run"].Text).Where(r => r?.StartsWith("dotnet test") == true));
        var toolchain = workflow["jobs"]["toolchain"];
        Assert.Equal("${{ fromJSON(vars.DEVCONTAINER_TOOLCHAIN_RUNS_ON || '[\"self-hosted\",\"linux\",\"x64\"]') }}", toolchain["runs-on"].Text);
        Assert.Equal("${{ vars.DEVCONTAINER_TOOLCHAIN_RUNS_ON != '' && github.event.pull_request.head.repo.full_name == github.repository }}", toolchain["if"].Text);
        Assert.Contains(toolchain["steps"].Items, s => s["run"].Text == "dotnet test devcontainer-pipeline.sln");
        Assert.Contains("dotnet test devcontainer-pipeline.sln", File.ReadAllText(Path.Combine(WorkflowTestSupport.RepoRoot, "README.md")));
    }

    [Fact]
    public void The_unit_job_runs_every_test_project_of_the_solution_but_the_integration_tests()
    {
        var solution = File.ReadAllLines(Path.Combine(WorkflowTestSupport.RepoRoot, "devcontainer-pipeline.sln"))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"""(tests\\[^""\\]+)\\[^""\\]+\.csproj"""))
            .Where(m => m.Success).Select(m => m.Groups[1].Value.Replace('\\', '/'))
            .Where(project => Directory.GetFiles(Path.Combine(WorkflowTestSupport.RepoRoot, project), "*.csproj")
                .Any(csproj => File.ReadAllText(csproj).Contains("Microsoft.NET.Test.Sdk")))
            .Order(StringComparer.Ordinal).ToList();
        var unit = Workflow("test.yml")["jobs"]["unit"]["steps"].Items.Select(s => s["run"].Text)
            .Where(r => r?.StartsWith("dotnet test ") == true).Select(r => r!["dotnet test ".Length..]);

        Assert.Contains("tests/Integration.Tests", solution);
        Assert.Equal(solution.Where(p => p != "tests/Integration.Tests"), unit.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Rollback_runs_by_hand_on_the_given_manifest_or_by_default_the_last_known_good_pin_and_then_moves_the_pin()
    {
        var workflow = Workflow("rollback.yml");
        Assert.Equal(["workflow_dispatch"], workflow["on"].Keys);
        var input = workflow["on"]["workflow_dispatch"]["inputs"]["manifest"];
        Assert.Equal("string", input["type"].Text);
        Assert.Equal("false", input["required"].Text);
        var job = workflow["jobs"]["rollback"];
        var rollback = job.IndexOfStep(s => s["run"].Text?.StartsWith("./build.sh Rollback --manifest \"$MANIFEST\"") == true);
        var login = job.IndexOfStep(s => s["run"].Text?.Contains("docker login") == true);
        var read = job.IndexOfStep(s => s["name"].Text?.StartsWith("Read the last-known-good pin") == true);
        var store = job.IndexOfStep(s => s["name"].Text?.StartsWith("Move the last-known-good pin") == true);
        Assert.True(login >= 0 && read > login && rollback > read && store > rollback, "login → read pin → Rollback → move pin");
        Assert.Equal("${{ inputs.manifest || format('{0}/lkg.json', runner.temp) }}", job["steps"].Items[rollback]["env"]["MANIFEST"].Text);
        Assert.Equal("${{ runner.temp }}/lkg.json", job["steps"].Items[read]["env"]["LAST_KNOWN_GOOD"].Text);
        Assert.Equal("${{ vars.DEVCONTAINER_LKG }}", job["steps"].Items[read]["env"]["LKG_VARIABLE"].Text);
        Assert.Equal("write", job["permissions"]["contents"].Text);
        Assert.Equal("0", job.Checkout["with"]["fetch-depth"].Text); // the lkg tag comes with the full history
    }

    [Fact]
    public void Publish_reads_the_pin_before_publishing_and_moves_it_after_with_the_job_token_through_env()
    {
        var job = Workflow("build-devcontainer.yml")["jobs"]["publish"];
        var read = job.IndexOfStep(s => s["name"].Text?.StartsWith("Read the last-known-good pin") == true);
        var publish = job.IndexOfStep(s => s["run"].Text?.StartsWith("./build.sh MergeManifests Publish") == true);
        var store = job.IndexOfStep(s => s["name"].Text?.StartsWith("Move the last-known-good pin") == true);
        Assert.True(read >= 0 && publish > read && store > publish);
        Assert.Contains("--last-known-good \"$LAST_KNOWN_GOOD\"", job["steps"].Items[publish]["run"].Text);
        Assert.Equal("${{ runner.temp }}/lkg.json", job["steps"].Items[publish]["env"]["LAST_KNOWN_GOOD"].Text);
        var storeStep = job["steps"].Items[store];
        Assert.Equal("./build.sh StorePin", storeStep["run"].Text);
        Assert.Equal("${{ secrets.GITHUB_TOKEN }}", storeStep["env"]["GITHUB_TOKEN"].Text);
        Assert.Equal("${{ secrets.DEVCONTAINER_LKG_TOKEN }}", storeStep["env"]["DEVCONTAINER_LKG_TOKEN"].Text);
    }
}
