using System.Text.RegularExpressions;
using Xunit;

namespace WorkflowTests;

/// <summary>
/// Issue 20: what the generated workflows would do on their first real run on GitHub, which the local rehearsal cannot
/// see. One test per defect (its number in the issue), over every committed workflow and every attribute variant;
/// each fails if the defect comes back.
/// </summary>
public partial class FirstRealRunTests
{
    static IEnumerable<(string Name, Yaml Workflow)> All() =>
        WorkflowTestSupport.Generated().Select(w => (w.FileName, Yaml.Parse(w.Text)))
            .Concat(WorkflowTestSupport.MatrixVariants().Select(v => ("variant:" + v.Name, Yaml.Parse(v.Workflow.Text))));

    static IEnumerable<(string Where, Yaml Job)> Jobs() =>
        All().SelectMany(w => w.Workflow["jobs"].Keys.Select(id => ($"{w.Name} {id}", w.Workflow["jobs"][id])));

    static IEnumerable<(string Where, Yaml Step)> Steps() =>
        Jobs().SelectMany(j => j.Job["steps"].Items.Select(s => ($"{j.Where}: {s["name"].Text}", s)));

    static Yaml TestWorkflow => Yaml.Parse(WorkflowTestSupport.Generated().Single(w => w.FileName == "test.yml").Text);

    [Fact]
    public void Defect_1_the_hosted_test_job_runs_only_what_needs_no_container_toolchain_and_the_rest_runs_where_the_toolchain_is()
    {
        foreach (var (id, job) in TestWorkflow["jobs"].Keys.Select(id => (id, TestWorkflow["jobs"][id])))
        {
            var tests = job["steps"].Items.Select(s => s["run"].Text).Where(r => r?.StartsWith("dotnet test") == true).ToList();
            var needsToolchain = tests.Any(t => t == "dotnet test devcontainer-pipeline.sln" || t!.Contains("Integration.Tests"));
            var hosted = job["runs-on"].Text == "ubuntu-24.04" || job["runs-on"].Text?.Contains("'[\"ubuntu-") == true;
            // With CI=true the integration tests demand docker, cosign, skopeo, a registry on 127.0.0.1:5000 with base/busybox
            // and /usr/bin/docker-registry, which a GitHub-hosted runner does not have.
            Assert.False(needsToolchain && hosted, $"test.yml {id} runs the integration tests on a GitHub-hosted runner");
            if (needsToolchain)
                Assert.Equal("${{ vars.DEVCONTAINER_TOOLCHAIN_RUNS_ON != '' && github.event.pull_request.head.repo.full_name == github.repository }}", job["if"].Text);
        }
        Assert.Contains(TestWorkflow["jobs"].Keys, id => TestWorkflow["jobs"][id]["runs-on"].Text == "ubuntu-24.04"); // every repository gets a green job
        Assert.DoesNotContain(All(), w => w.Workflow["jobs"].Keys.Any(id => w.Workflow["jobs"][id]["steps"].Items.Any(s => s["run"].Text?.Contains("shared/") == true)));
    }

    [Fact]
    public void Defect_1_the_unit_suites_read_nothing_beside_the_repository()
    {
        // ../shared does not exist on GitHub: a unit test that reads it fails there.
        foreach (var project in new[] { "Host.Tests", "Build.Tests" })
        foreach (var file in Directory.GetFiles(Path.Combine(WorkflowTestSupport.RepoRoot, "tests", project), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/") && Path.GetFileName(f) != nameof(FirstRealRunTests) + ".cs"))
            Assert.False(SharedFolder().IsMatch(File.ReadAllText(file)), $"{file} reads ../shared");
    }

    [Fact]
    public void Defect_2_setup_dotnet_installs_into_a_directory_the_runner_user_owns_not_usr_share_dotnet()
    {
        var setups = Steps().Where(s => s.Step["uses"].Text?.StartsWith("actions/setup-dotnet@") == true).ToList();
        Assert.NotEmpty(setups);
        Assert.All(setups, s => Assert.True(s.Step["env"]["DOTNET_INSTALL_DIR"].Text == "${{ runner.temp }}/dotnet", $"{s.Where}: no DOTNET_INSTALL_DIR under runner.temp"));
    }

    [Fact]
    public void Defect_3_skopeo_is_installed_by_minimum_version_never_at_an_exact_package_revision()
    {
        var skopeo = Steps().Where(s => s.Step["run"].Text?.Contains("skopeo") == true && s.Step["run"].Text!.Contains("apt-get install")).ToList();
        Assert.NotEmpty(skopeo);
        Assert.All(skopeo, s =>
        {
            Assert.DoesNotMatch(@"skopeo=\S", s.Step["run"].Text!);
            Assert.Contains("sort -V", s.Step["run"].Text!);
            Assert.Equal(Pipeline.CI.PinnedImages.SkopeoMinimumVersion, s.Step["env"]["SKOPEO_MINIMUM"].Text);
        });
        Assert.DoesNotContain(Steps(), s => s.Step["run"].Text is { } run && ExactPackage().IsMatch(run));
    }

    [Fact]
    public void Defect_4_no_step_needs_gh_and_the_rollback_input_is_uploaded_whatever_happened()
    {
        Assert.DoesNotContain(Steps(), s => s.Step["run"].Text is { } run && GhCommand().IsMatch(run));
        foreach (var (where, job) in Jobs().Where(j => j.Job["steps"].Items.Any(s => s["name"].Text?.StartsWith("Upload the published manifest") == true)))
        {
            var upload = job.IndexOfStep(s => s["name"].Text?.StartsWith("Upload the published manifest") == true);
            var publish = job.IndexOfStep(s => s["run"].Text?.StartsWith("./build.sh MergeManifests Publish") == true);
            var pin = job.IndexOfStep(s => s["run"].Text == "./build.sh StorePin");
            Assert.True(publish >= 0 && pin > publish && upload > pin, $"{where}: Publish → StorePin → upload");
            Assert.Equal("${{ always() }}", job["steps"].Items[upload]["if"].Text);
        }
    }

    [Fact]
    public void Defect_5_jobs_of_the_shared_registry_group_queue_instead_of_cancelling_a_pending_publish()
    {
        var grouped = Jobs().Where(j => j.Job["concurrency"]["group"].Text == "devcontainer-registry").ToList();
        Assert.Equal(["build-devcontainer.yml publish", "retention.yml retention", "rollback.yml rollback", "variant:emulated publish",
            "variant:fifth-permutation publish", "variant:hosted-runners publish"], grouped.Select(j => j.Where).Order(StringComparer.Ordinal));
        Assert.All(grouped, j =>
        {
            Assert.Equal("max", j.Job["concurrency"]["queue"].Text);
            Assert.Equal("false", j.Job["concurrency"]["cancel-in-progress"].Text); // GitHub refuses queue: max with cancel-in-progress: true
        });
    }

    [Fact]
    public void Defect_6_only_small_records_are_uploaded_as_workflow_artifacts_never_an_image_archive()
    {
        // Images move through the registry by digest; an artifact holds reports and records (artifact storage counts
        // against a private repository's quota for every day of retention).
        var uploads = Steps().Where(s => s.Step["uses"].Text?.StartsWith("actions/upload-artifact@") == true).ToList();
        Assert.NotEmpty(uploads);
        foreach (var (where, step) in uploads)
        foreach (var path in step["with"]["path"].Text!.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Assert.Matches(@"^artifacts/[^*]*(/\*)?[^/*]*\.(json|txt|md|pub)$", path); // named files or one folder's *.<text format>, no ** and no folder
            Assert.DoesNotMatch(@"\.(tar|tgz|oci|zst|gz)\b", path);
        }
    }

    [Fact]
    public void Defect_7_no_multi_MiB_sbom_goes_to_rekor_and_a_repository_with_a_key_signs_with_it_so_nothing_reaches_public_logs()
    {
        // No step attests by itself (cosign attest --type cyclonedx would upload the whole SBOM); the build attests a
        // reference predicate naming the SBOM by digest: a few hundred bytes, whatever the SBOM's size.
        Assert.DoesNotContain(Steps(), s => s.Step["run"].Text?.Contains("cosign attest") == true);
        var predicate = Pipeline.Rules.SbomReference.Predicate("ghcr.io/acme/devcontainer", "sha256:" + new string('a', 64));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(predicate) < 1024, predicate);
        Assert.DoesNotContain(Steps(), s => s.Step["run"].Text?.Contains("tlog-upload") == true); // a key's signatures stay out of Rekor
        foreach (var (where, job) in Jobs().Where(j => j.Job["steps"].Items.Any(s => s["uses"].Text?.StartsWith("sigstore/cosign-installer@") == true)))
        {
            var steps = job["steps"].Items;
            var installer = job.IndexOfStep(s => s["uses"].Text?.StartsWith("sigstore/cosign-installer@") == true);
            var key = steps[installer + 1];
            var signs = job["permissions"]["id-token"].Text == "write";
            Assert.True(key["name"].Text!.StartsWith(signs ? "Sign with the repository's cosign key" : "Verify with the repository's cosign public key"), $"{where}: {key["name"].Text}");
            Assert.Equal("${{ vars.DEVCONTAINER_COSIGN_PUBLIC_KEY }}", key["env"]["COSIGN_PUBLIC_KEY_PEM"].Text);
            // Only a job that signs names the private key; a pull request's or rollback's never does.
            Assert.Equal(signs ? "${{ secrets.DEVCONTAINER_COSIGN_KEY }}" : null, key["env"]["COSIGN_KEY_PEM"].Text);
            Assert.All(steps.Take(installer + 2), s => Assert.False(s["run"].Text?.StartsWith("./build.sh ") == true && s["run"].Text != "./build.sh Prune", $"{where}: the build runs before the key is there"));
        }
    }

    [Fact]
    public void Defect_8_main_imports_only_cache_its_own_workflow_signed_on_main_so_a_pull_request_that_grants_itself_write_cannot_plant_one()
    {
        var workflow = Yaml.Parse(WorkflowTestSupport.Generated().Single(w => w.FileName == "build-devcontainer.yml").Text);
        var bakeOf = (string id) => workflow["jobs"][id]["steps"].Items.Single(s => s["run"].Text?.StartsWith("./build.sh Bake") == true);
        Assert.Equal("read", workflow["jobs"]["build-pr"]["permissions"]["packages"].Text);
        Assert.Equal("registry-read", bakeOf("build-pr")["env"]["CACHE"].Text);
        // Main's Bake verifies the cache's signature before import with the identity the build derives: a same-repository
        // pull request can edit the workflow and grant itself packages: write, but its keyless certificate names its own ref.
        var main = bakeOf("build")["run"].Text!;
        Assert.DoesNotContain("--cache none", main);
        var verification = Pipeline.Rules.SigningPolicy.Decide(null, null, tlogUpload: false, plainHttp: false, forSigning: false,
            name => name == "GITHUB_REPOSITORY" ? "acme/devcontainer-pipeline" : null, "cosign.pub", defaultBranchOnly: true).Verification;
        var identity = new Regex(verification.CertificateIdentityRegexp!);
        var workflowPath = ".github/workflows/build-devcontainer.yml";
        Assert.Matches(identity, $"https://github.com/acme/devcontainer-pipeline/{workflowPath}@refs/heads/main");
        foreach (var forged in new[] { "@refs/pull/7/merge", "@refs/heads/feature", "@refs/tags/v1.2.3" })
            Assert.DoesNotMatch(identity, $"https://github.com/acme/devcontainer-pipeline/{workflowPath}{forged}");
        Assert.DoesNotMatch(identity, "https://github.com/acme/devcontainer-pipeline/.github/workflows/other.yml@refs/heads/main");
        Assert.Equal("push", verification.WorkflowTrigger); // a pull_request run's certificate says pull_request
    }

    [Fact]
    public void Defect_9_the_rollback_job_refuses_to_run_unless_its_environment_is_protected_and_it_runs_on_the_default_branch()
    {
        var job = Yaml.Parse(WorkflowTestSupport.Generated().Single(w => w.FileName == "rollback.yml").Text)["jobs"]["rollback"];
        var rollback = job["steps"].Items.Single(s => s["run"].Text?.StartsWith("./build.sh Rollback") == true);
        Assert.Contains("--protected-environment \"$PROTECTED_ENVIRONMENT\"", rollback["run"].Text);
        Assert.Equal(job["environment"].Text, rollback["env"]["PROTECTED_ENVIRONMENT"].Text);
        Assert.Equal("${{ secrets.GITHUB_TOKEN }}", rollback["env"]["GITHUB_TOKEN"].Text);
        Assert.Equal("read", job["permissions"]["actions"].Text); // GET environments/{name} needs it
        // Nothing before the Rollback step moves a tag: the up-front check stops the run first.
        Assert.All(job["steps"].Items.Take(job.IndexOfStep(s => s["run"].Text == rollback["run"].Text)),
            s => Assert.False(s["run"].Text?.StartsWith("./build.sh ") == true && s["run"].Text != "./build.sh Prune"));
    }

    [Fact]
    public void Defect_10_every_job_uses_a_docker_config_of_its_own_before_docker_runs_and_prunes_only_its_own_state()
    {
        foreach (var (where, job) in Jobs().Where(j => j.Job["steps"].Items.Any(UsesDocker)))
        {
            var steps = job["steps"].Items;
            var own = job.IndexOfStep(s => s["run"].Text?.Contains("echo \"DOCKER_CONFIG=$config\" >> \"$GITHUB_ENV\"") == true);
            Assert.True(own == 0, $"{where}: the job's own DOCKER_CONFIG is not its first step");
            Assert.Contains("config=\"$RUNNER_TEMP/docker-config\"", steps[own]["run"].Text);
            Assert.Contains("for k in (\"auths\", \"credsStore\", \"credHelpers\")", steps[own]["run"].Text); // settings come along, credentials never
        }
        Assert.DoesNotContain(Steps(), s => s.Step["run"].Text?.Contains("Prune --prune") == true);
    }

    [Fact]
    public void Lesser_every_javascript_action_is_pinned_to_a_node24_release_but_download_artifact_whose_v5_flattens_one_match()
    {
        // The first release of each action whose action.yml says runs.using: node24 (read in each action's repository).
        var firstNode24 = new Dictionary<string, int>
        {
            ["actions/checkout"] = 5, ["actions/setup-dotnet"] = 5, ["actions/cache"] = 5, ["actions/upload-artifact"] = 6,
            ["docker/setup-qemu-action"] = 4, ["docker/setup-buildx-action"] = 4,
        };
        var pinned = typeof(Pipeline.CI.PinnedActions).GetFields().Select(f => (Pipeline.CI.PinnedAction)f.GetValue(null)!).ToList();
        foreach (var action in pinned.Where(a => firstNode24.ContainsKey(a.Repository)))
            Assert.True(int.Parse(action.Version.TrimStart('v').Split('.')[0]) >= firstNode24[action.Repository], $"{action.Repository} {action.Version} runs on Node 20");
        Assert.StartsWith("v4.", pinned.Single(a => a.Repository == "actions/download-artifact").Version);
    }

    static bool UsesDocker(Yaml step) =>
        step["uses"].Text?.StartsWith("docker/") == true || step["run"].Text is { } run && (run.Contains("docker ") || run.StartsWith("./build.sh "));

    // In code: Path.Combine(.., "..", "shared", ..) or a string literal with ../shared (comments may mention it).
    [GeneratedRegex(@"""\.\.""\s*,\s*""shared""|""[^""\n]*\.\./shared")]
    private static partial Regex SharedFolder();

    [GeneratedRegex(@"(^|[\s;&|(])gh\s", RegexOptions.Multiline)]
    private static partial Regex GhCommand();

    [GeneratedRegex(@"apt-get install[^\n]*\S=\d")]
    private static partial Regex ExactPackage();
}
