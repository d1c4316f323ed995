using Xunit;

namespace WorkflowTests;

/// <summary>What build-devcontainer.yml does on each event, read from the parsed YAML.</summary>
public class BuildDevcontainerWorkflowTests
{
    private static Yaml Committed() => Yaml.Parse(WorkflowTestSupport.Generated().Single(w => w.FileName == "build-devcontainer.yml").Text);
    private static Yaml Variant(string name) => Yaml.Parse(WorkflowTestSupport.MatrixVariants().Single(v => v.Name == name).Workflow.Text);
    private static bool RunsBuild(Yaml step, string targets) => step["run"].Text?.StartsWith("./build.sh " + targets) == true;

    [Fact]
    public void Triggers_are_pull_requests_on_the_pipeline_paths_pushes_to_main_and_release_tags()
    {
        var on = Committed()["on"];
        Assert.Equal(["devcontainer/**", "docker-bake.hcl", "build/**", ".github/workflows/build-devcontainer.yml"], on["pull_request"]["paths"].Strings);
        Assert.Equal(["main"], on["push"]["branches"].Strings);
        Assert.Equal(["v*.*.*"], on["push"]["tags"].Strings);
        Assert.Equal(["pull_request", "push"], on.Keys);
    }

    [Fact]
    public void The_matrix_is_Permutation_All()
    {
        Assert.Equal(Permutation.All.Select(p => p.Id), Committed()["jobs"]["build"]["strategy"]["matrix"]["permutation"].Strings);
        Assert.Equal("false", Committed()["jobs"]["build"]["strategy"]["fail-fast"].Text);
    }

    [Fact]
    public void Matrix_jobs_build_validate_scan_and_upload_for_30_days_but_never_log_in_or_publish()
    {
        var build = Committed()["jobs"]["build"];
        var steps = build["steps"].Items;
        Assert.False(build["permissions"].Exists);
        Assert.Contains(steps, s => RunsBuild(s, "Bake Validate Scan Sbom Manifest --permutations \"$PERMUTATIONS\""));
        Assert.DoesNotContain(steps, s => s["run"].Text?.Contains("Publish") == true || s["run"].Text?.Contains("docker login") == true);
        var upload = steps.Single(s => s["uses"].Text?.StartsWith("actions/upload-artifact@") == true);
        Assert.Equal("30", upload["with"]["retention-days"].Text);
        Assert.Equal("devcontainer-${{ matrix.permutation }}", upload["with"]["name"].Text);
        Assert.Contains(steps, s => s["uses"].Text?.StartsWith("docker/setup-qemu-action@") == true);
        Assert.Contains(steps, s => s["uses"].Text?.StartsWith("docker/setup-buildx-action@") == true);
    }

    [Fact]
    public void Only_pushes_publish_from_the_merged_artifacts_of_every_matrix_job()
    {
        var publish = Committed()["jobs"]["publish"];
        Assert.Equal("${{ github.event_name == 'push' }}", publish["if"].Text);
        Assert.Equal(["build"], publish["needs"].Strings);
        var download = publish["steps"].Items.Single(s => s["uses"].Text?.StartsWith("actions/download-artifact@") == true);
        Assert.Equal("devcontainer-*", download["with"]["pattern"].Text);
        Assert.Equal("true", download["with"]["merge-multiple"].Text);
        var login = publish.IndexOfStep(s => s["run"].Text?.Contains("docker login") == true);
        var release = publish.IndexOfStep(s => RunsBuild(s, "Manifest Publish --skip Bake Validate Scan Sbom"));
        Assert.True(login >= 0 && release > login, "the publishing job logs in, then runs Publish");
        Assert.Contains(publish["steps"].Items, s => s["uses"].Text?.StartsWith("sigstore/cosign-installer@") == true);
    }

    [Fact]
    public void Hosted_runners_get_no_hygiene_step_and_self_hosted_ones_prune_before_building()
    {
        Assert.DoesNotContain(Committed()["jobs"]["build"]["steps"].Items, s => s["run"].Text?.Contains("Prune") == true);
        var selfHosted = Variant("self-hosted")["jobs"];
        Assert.Equal(["self-hosted", "linux", "x64"], selfHosted["build"]["runs-on"].Strings);
        foreach (var (job, firstBuild) in new[] { ("build", "Bake"), ("publish", "Manifest Publish") })
        {
            var prune = selfHosted[job].IndexOfStep(s => RunsBuild(s, "Prune"));
            var build = selfHosted[job].IndexOfStep(s => RunsBuild(s, firstBuild));
            Assert.True(prune >= 0 && prune < build, $"job {job}: Prune runs before {firstBuild}");
        }
    }

    [Fact]
    public void Per_platform_jobs_run_each_platform_on_its_native_runner_without_QEMU()
    {
        var build = Variant("per-platform")["jobs"]["build"];
        var include = build["strategy"]["matrix"]["include"].Items;
        Assert.Equal(Permutation.All.Sum(p => p.Platforms.Count), include.Count);
        Assert.All(include.Where(e => e["platform"].Text == "linux/arm64"), e => Assert.Equal("ubuntu-24.04-arm", e["runner"].Text));
        Assert.All(include.Where(e => e["platform"].Text == "linux/amd64"), e => Assert.Equal("ubuntu-latest", e["runner"].Text));
        Assert.Equal("${{ matrix.runner }}", build["runs-on"].Text);
        Assert.DoesNotContain(build["steps"].Items, s => s["uses"].Text?.StartsWith("docker/setup-qemu-action@") == true);
        Assert.Contains(build["steps"].Items, s => s["run"].Text?.Contains("--platforms \"$PLATFORMS\"") == true);
    }

    [Fact]
    public void A_permutation_with_a_platform_no_native_runner_serves_is_refused_in_one_line()
    {
        var attribute = WorkflowTestSupport.MatrixAttribute();
        attribute.PerPlatformJobs = true;
        var odd = new Permutation { Value = "gcc15-riscv", Gcc = "15", Clang = "20", Platforms = ["linux/riscv64"] };
        var error = Assert.Throws<ArgumentException>(() => Pipeline.CI.WorkflowGenerator.Generate(attribute, [], [odd]));
        Assert.Contains("'gcc15-riscv' has platform 'linux/riscv64'", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }
}
