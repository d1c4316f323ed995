using Pipeline.CI;
using Xunit;

namespace WorkflowTests;

/// <summary>What build-devcontainer.yml does on each event, read from the parsed YAML.</summary>
public class BuildDevcontainerWorkflowTests
{
    private static Yaml Committed() => Yaml.Parse(WorkflowTestSupport.Generated().Single(w => w.FileName == "build-devcontainer.yml").Text);
    private static Yaml Variant(string name) => Yaml.Parse(WorkflowTestSupport.MatrixVariants().Single(v => v.Name == name).Workflow.Text);
    private static bool RunsBuild(Yaml step, string targets) => step["run"].Text?.StartsWith("./build.sh " + targets) == true;
    private static bool LogsIn(Yaml step) => step["run"].Text?.Contains("docker login") == true;
    private static Yaml Job(string id) => Committed()["jobs"][id];

    [Fact]
    public void Triggers_are_pull_requests_on_the_pipeline_and_scan_policy_paths_pushes_to_main_and_release_tags()
    {
        var on = Committed()["on"];
        Assert.Equal(["devcontainer/**", "docker-bake.hcl", "build/**", "trivy.yaml", ".trivyignore.yaml", ".github/workflows/build-devcontainer.yml"],
            on["pull_request"]["paths"].Strings);
        Assert.Equal(["main"], on["push"]["branches"].Strings);
        Assert.Equal(["v*.*.*"], on["push"]["tags"].Strings);
        Assert.Equal(["pull_request", "push", "workflow_dispatch"], on.Keys);
        // workflow_dispatch is the freshness workflow's rebuild: one optional string of permutation ids, nothing else.
        Assert.Equal(["refresh-packages"], on["workflow_dispatch"]["inputs"].Keys);
        Assert.Equal("string", on["workflow_dispatch"]["inputs"]["refresh-packages"]["type"].Text);
    }

    [Fact]
    public void A_dispatched_rebuild_builds_and_publishes_only_on_main_passes_its_permutations_to_Bake_and_queues_apart_from_pushes()
    {
        const string trusted = "${{ github.event_name == 'push' || github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main' }}";
        foreach (var id in new[] { "build", "merge", "publish" }) Assert.Equal(trusted, Job(id)["if"].Text);
        Assert.Equal("${{ github.event_name == 'pull_request' }}", Job("build-pr")["if"].Text);
        var bake = Job("build")["steps"].Items.Single(s => s["run"].Text?.StartsWith("./build.sh Bake") == true);
        Assert.Contains("--refresh-packages \"$REFRESH_PACKAGES\"", bake["run"].Text);
        Assert.Equal("${{ inputs.refresh-packages }}", bake["env"]["REFRESH_PACKAGES"].Text); // through env:, never in run:
        Assert.Equal("${{ vars.DEVCONTAINER_MAX_IMAGE_AGE || 7 }}", bake["env"]["MAX_IMAGE_AGE"].Text);
        var pr = Job("build-pr")["steps"].Items.Single(s => s["run"].Text?.StartsWith("./build.sh Bake") == true);
        Assert.DoesNotContain("refresh-packages", pr["run"].Text);
        // In one group GitHub keeps one pending run and cancels the one before it: a push must not cancel a pending rebuild.
        Assert.Equal("${{ github.workflow }}-${{ github.ref }}${{ github.event_name == 'workflow_dispatch' && '-refresh' || '' }}",
            Committed()["concurrency"]["group"].Text);
        Assert.Equal("max", Job("publish")["concurrency"]["queue"].Text);
    }

    [Fact]
    public void Build_jobs_cover_every_permutation_and_platform_and_merge_jobs_every_permutation_of_Permutation_All()
    {
        foreach (var id in new[] { "build", "build-pr" })
        {
            var include = Job(id)["strategy"]["matrix"]["include"].Items;
            Assert.Equal(Permutation.All.SelectMany(p => p.Platforms.Select(platform => $"{p.Id} {platform}")), include.Select(e => $"{e["permutation"].Text} {e["platform"].Text}"));
            Assert.Equal("false", Job(id)["strategy"]["fail-fast"].Text);
        }
        Assert.Equal(Permutation.All.Select(p => p.Id), Job("merge")["strategy"]["matrix"]["permutation"].Strings);
        Assert.Equal(["build"], Job("merge")["needs"].Strings);
        // A pull request merges nothing: its platform jobs are the whole of it.
        Assert.Equal(["build-pr", "build", "merge", "publish"], Committed()["jobs"].Keys);
    }

    [Fact]
    public void Every_job_uploads_what_its_targets_produce_in_its_own_folder_as_an_artifact_named_after_that_folder()
    {
        foreach (var (id, folder, name, produced) in new[]
                 {
                     ("build", "artifacts/${{ matrix.permutation }}-${{ matrix.arch }}", "${{ matrix.permutation }}-${{ matrix.arch }}", new[] { "pushed/*.json", "images/*.index.json", "bake.override.json", "bake-metadata.json", "bake-plan.txt" }),
                     ("build-pr", "artifacts/${{ matrix.permutation }}-${{ matrix.arch }}", "${{ matrix.permutation }}-${{ matrix.arch }}", new[] { "pushed/*.json", "bake-plan.txt", "scan/*.json", "sbom/*.cdx.json" }),
                     ("merge", "artifacts/permutation-${{ matrix.permutation }}", "permutation-${{ matrix.permutation }}", new[] { "pushed/*.json", "images/*.index.json", "scan/*.json", "sbom/*.cdx.json", "manifest.json", "provenance/*.slsa.json" }),
                 })
        {
            var steps = Job(id)["steps"].Items;
            Assert.Equal(folder, steps.Single(s => RunsBuild(s, "") && !RunsBuild(s, "Prune"))["env"]["ARTIFACTS"].Text);
            var upload = steps.Single(s => s["uses"].Text?.StartsWith("actions/upload-artifact@") == true);
            Assert.Equal(name, upload["with"]["name"].Text);
            var paths = upload["with"]["path"].Text!.TrimEnd('\n').Split('\n');
            Assert.Subset(paths.ToHashSet(), produced.Select(p => folder + "/" + p).ToHashSet());
            Assert.All(paths, p => Assert.StartsWith(folder + "/", p));
            // upload-artifact roots the artifact at the folder, so a download into path/<name>/ recreates it.
            Assert.Equal(folder, JobUploads.Root(paths));
        }
        Assert.DoesNotContain(Job("build")["steps"].Items.Single(s => s["uses"].Text?.StartsWith("actions/upload-artifact@") == true)["with"]["path"].Text!, "manifest.json");
        var download = Job("merge")["steps"].Items.Single(s => s["uses"].Text?.StartsWith("actions/download-artifact@") == true);
        Assert.Equal("${{ matrix.permutation }}-*", download["with"]["pattern"].Text);
        Assert.Equal("platforms/", download["with"]["path"].Text);
        Assert.Null(download["with"]["merge-multiple"].Text); // each artifact into platforms/<id>-<arch>/, where MergePlatforms reads it
    }

    [Fact]
    public void No_workflow_artifact_holds_image_bytes_on_any_event()
    {
        // Images travel through the registry: every upload path of every generated workflow (and variant) is a record,
        // report or index, never an archive or a layout's blobs; and no target the jobs run declares image bytes.
        var workflows = WorkflowTestSupport.Generated().Select(w => Yaml.Parse(w.Text)).Concat(WorkflowTestSupport.MatrixVariants().Select(v => Yaml.Parse(v.Workflow.Text)));
        var uploads = workflows.SelectMany(w => w["jobs"].Keys.SelectMany(job => w["jobs"][job]["steps"].Items))
            .Where(s => s["uses"].Text?.StartsWith("actions/upload-artifact@") == true)
            .SelectMany(s => s["with"]["path"].Text!.TrimEnd('\n').Split('\n')).ToList();
        Assert.NotEmpty(uploads);
        Assert.All(uploads, path => Assert.DoesNotMatch(@"\.tar(\.|$)|/blobs/|oci-layout", path));
        var everyTarget = new[] { "Bake", "Validate", "Scan", "Sbom", "Manifest", "MergePlatforms", "MergeManifests", "Publish" };
        Assert.All(JobUploads.Of(WorkflowTestSupport.BuildClass).Paths(everyTarget, [], "artifacts/x"), path => Assert.DoesNotMatch(@"\.tar(\.|$)", path));
    }

    [Fact]
    public void The_merge_job_puts_the_index_in_the_registry_and_writes_the_manifest_without_building_or_planning()
    {
        var job = Job("merge");
        var run = job["steps"].Items.Single(s => RunsBuild(s, "MergePlatforms"))["run"].Text!;
        Assert.StartsWith("./build.sh MergePlatforms Scan Sbom Manifest --skip Bake Validate --permutations", run);
        // MergePlatforms puts the merged index by digest (untagged) beside the platform images: a write token; Scan and
        // Sbom read the image there (Trivy), Manifest writes from the build jobs' merged bake records.
        Assert.Equal("write", job["permissions"]["packages"].Text);
        Assert.False(job["permissions"]["id-token"].Exists);
        Assert.Contains(job["steps"].Items, LogsIn);
        Assert.Contains(job["steps"].Items, s => s["uses"].Text?.StartsWith("aquasecurity/setup-trivy@") == true);
    }

    [Fact]
    public void The_publishing_job_joins_the_build_manifests_and_never_re_plans_or_rebuilds()
    {
        var steps = Job("publish")["steps"].Items;
        var download = steps.Single(s => s["uses"].Text?.StartsWith("actions/download-artifact@") == true);
        Assert.Equal("permutation-*", download["with"]["pattern"].Text);
        Assert.Equal("artifacts/", download["with"]["path"].Text);
        Assert.Null(download["with"]["merge-multiple"].Text); // each into artifacts/permutation-<id>/, one folder per build manifest
        var upload = steps.Single(s => s["uses"].Text?.StartsWith("actions/upload-artifact@") == true);
        Assert.Equal("published-manifest", upload["with"]["name"].Text);
        Assert.Contains("artifacts/manifest.json", upload["with"]["path"].Text!.Split('\n'));
        Assert.Contains("artifacts/publish-plan.txt", upload["with"]["path"].Text!.Split('\n'));
        var run = steps.Single(s => RunsBuild(s, "MergeManifests"))["run"].Text!;
        Assert.StartsWith("./build.sh MergeManifests Publish --skip Bake Validate Scan Sbom Manifest ", run);
    }

    [Fact]
    public void A_pull_request_build_reads_the_registry_with_a_read_only_token_and_only_a_same_repository_one_logs_in()
    {
        var job = Job("build-pr");
        Assert.Equal("${{ github.event_name == 'pull_request' }}", job["if"].Text);
        Assert.Equal(["contents", "packages"], job["permissions"].Keys);
        Assert.Equal("read", job["permissions"]["packages"].Text);
        var login = job["steps"].Items.Single(LogsIn);
        Assert.Equal("${{ github.event.pull_request.head.repo.full_name == github.repository }}", login["if"].Text);
        Assert.True(job.IndexOfStep(LogsIn) < job.IndexOfStep(s => RunsBuild(s, "Bake")), "it logs in before Bake reads the cache");
        Assert.DoesNotContain(job["steps"].Items, s => s["run"].Text?.Contains("Publish") == true);
    }

    [Fact]
    public void A_fork_pull_request_never_reaches_a_self_hosted_runner()
    {
        var runsOn = Job("build-pr")["runs-on"].Text!;
        Assert.StartsWith("${{ fromJSON(github.event.pull_request.head.repo.full_name != github.repository && (matrix.arch == 'arm64' && '[\"ubuntu-24.04-arm\"]' || '[\"ubuntu-24.04\"]') || ", runsOn);
        Assert.Contains("vars.DEVCONTAINER_RUNS_ON || '[\"self-hosted\",\"linux\",\"x64\"]'", runsOn);
    }

    [Fact]
    public void A_push_build_logs_in_with_packages_write_before_Bake_exports_the_main_cache_and_logs_out_always()
    {
        var job = Job("build");
        Assert.StartsWith("${{ github.event_name == 'push' || ", job["if"].Text);
        Assert.Equal("write", job["permissions"]["packages"].Text);
        Assert.Equal("write", job["permissions"]["id-token"].Text); // Bake signs the main cache it exported, keyless
        Assert.False(Job("build-pr")["permissions"]["id-token"].Exists);
        var login = job.IndexOfStep(LogsIn);
        var bake = job.IndexOfStep(s => RunsBuild(s, "Bake Validate --permutations \"$PERMUTATIONS\" --platforms \"$PLATFORMS\""));
        var logout = job.IndexOfStep(s => s["run"].Text?.StartsWith("docker logout") == true);
        Assert.True(login >= 0 && login < bake && bake < logout, "login → Bake → logout");
        Assert.Equal("${{ always() }}", job["steps"].Items[logout]["if"].Text);
        Assert.Equal("${{ fromJSON(matrix.arch == 'arm64' && (vars.DEVCONTAINER_RUNS_ON_ARM64 || '[\"self-hosted\",\"linux\",\"arm64\"]') || (vars.DEVCONTAINER_RUNS_ON || '[\"self-hosted\",\"linux\",\"x64\"]')) }}", job["runs-on"].Text);
    }

    [Fact]
    public void Pull_request_platform_jobs_scan_their_own_platform_staged_on_the_runner_and_push_nothing()
    {
        var job = Job("build-pr");
        var run = job["steps"].Items.Single(s => RunsBuild(s, "Bake"))["run"].Text!;
        Assert.StartsWith("./build.sh Bake Validate Scan Sbom --permutations \"$PERMUTATIONS\" --platforms \"$PLATFORMS\"", run);
        Assert.DoesNotContain("--image-output", run);
        Assert.Equal("read", job["permissions"]["packages"].Text);
        Assert.Contains(job["steps"].Items, s => s["uses"].Text?.StartsWith("aquasecurity/setup-trivy@") == true);
        // The build stages the image in a registry it starts on the runner's loopback: BuildKit shares the runner's network.
        var buildx = job["steps"].Items.Single(s => s["uses"].Text?.StartsWith("docker/setup-buildx-action@") == true);
        Assert.Equal(["image=" + Pipeline.CI.PinnedImages.BuildKit, "network=host"], buildx["with"]["driver-opts"].Text!.TrimEnd('\n').Split('\n'));
        // Push jobs push their platform image untagged (push by digest on setup-buildx's builder) with the same default.
        Assert.DoesNotContain("--image-output", Job("build")["steps"].Items.Single(s => RunsBuild(s, "Bake"))["run"].Text);
        Assert.Equal("image=" + Pipeline.CI.PinnedImages.BuildKit, Job("build")["steps"].Items.Single(s => s["uses"].Text?.StartsWith("docker/setup-buildx-action@") == true)["with"]["driver-opts"].Text);
        Assert.Equal("write", Job("build")["permissions"]["packages"].Text);
    }

    [Fact]
    public void A_pull_request_job_whose_targets_would_push_is_refused()
    {
        var attribute = WorkflowTestSupport.MatrixAttribute();
        attribute.PullRequestPlatformTargets = ["Bake", "MergePlatforms"];
        var error = Assert.Throws<ArgumentException>(() => Pipeline.CI.WorkflowGenerator.Generate(WorkflowTestSupport.BuildClass, attribute, [], Permutation.All));
        Assert.Contains("A pull-request job would run targets that", error.Message);
    }

    [Fact]
    public void Every_job_cleans_a_self_hosted_runner_before_and_after_whatever_happened()
    {
        foreach (var id in new[] { "build", "build-pr", "merge", "publish" })
        {
            var steps = Job(id)["steps"].Items;
            var prunes = steps.Where(s => RunsBuild(s, "Prune")).ToList();
            Assert.Equal(2, prunes.Count);
            Assert.Equal("${{ runner.environment == 'self-hosted' }}", prunes[0]["if"].Text);
            Assert.Equal("${{ always() && runner.environment == 'self-hosted' }}", prunes[1]["if"].Text);
            Assert.True(RunsBuild(steps[^1], "Prune"), $"{id}: hygiene is the last step");
        }
    }

    [Fact]
    public void Images_the_actions_run_are_pinned_by_digest_and_tools_by_version()
    {
        var steps = Job("build")["steps"].Items.Concat(Job("publish")["steps"].Items).Concat(Variant("emulated")["jobs"]["build"]["steps"].Items).ToList();
        Assert.Matches(@"^tonistiigi/binfmt:qemu-v[\d.]+@sha256:[0-9a-f]{64}$", steps.Single(s => s["uses"].Text?.StartsWith("docker/setup-qemu-action@") == true)["with"]["image"].Text!);
        Assert.All(steps.Where(s => s["uses"].Text?.StartsWith("docker/setup-buildx-action@") == true),
            s => Assert.Matches(@"^image=moby/buildkit:v[\d.]+@sha256:[0-9a-f]{64}(\nnetwork=host)?\n?$", s["with"]["driver-opts"].Text!));
        Assert.Matches(@"^v\d+\.\d+\.\d+$", steps.First(s => s["uses"].Text?.StartsWith("sigstore/cosign-installer@") == true)["with"]["cosign-release"].Text!);
        Assert.Contains(steps, s => s["run"].Text?.Contains("sort -V") == true && s["env"]["SKOPEO_MINIMUM"].Text == Pipeline.CI.PinnedImages.SkopeoMinimumVersion);
    }

    [Fact]
    public void Releases_publish_only_from_tags_on_the_default_branch()
    {
        foreach (var id in new[] { "build", "merge", "publish" })
        {
            var job = Job(id);
            Assert.Equal("0", job.Checkout["with"]["fetch-depth"].Text);
            var check = job["steps"].Items.Single(s => s["run"].Text?.StartsWith("git merge-base --is-ancestor \"$GITHUB_SHA\" \"origin/$DEFAULT_BRANCH\"") == true);
            Assert.Equal("${{ startsWith(github.ref, 'refs/tags/') }}", check["if"].Text);
            Assert.Equal("main", check["env"]["DEFAULT_BRANCH"].Text);
            Assert.Equal(job.IndexOfStep(s => s["uses"].Text?.StartsWith("actions/checkout@") == true) + 1, job.IndexOfStep(s => s["run"].Text == check["run"].Text));
        }
    }

    [Fact]
    public void Only_pushes_publish_with_write_scopes_and_id_token_in_the_registry_concurrency_group()
    {
        var publish = Job("publish");
        Assert.StartsWith("${{ github.event_name == 'push' || ", publish["if"].Text);
        Assert.Equal(["merge"], publish["needs"].Strings);
        Assert.Equal("write", publish["permissions"]["packages"].Text);
        Assert.Equal("write", publish["permissions"]["id-token"].Text);
        Assert.Equal("devcontainer-registry", publish["concurrency"]["group"].Text);
        Assert.Equal("false", publish["concurrency"]["cancel-in-progress"].Text);
        var login = publish.IndexOfStep(LogsIn);
        var release = publish.IndexOfStep(s => s["run"].Text?.Contains("Publish") == true && s["run"].Text!.StartsWith("./build.sh"));
        Assert.True(login >= 0 && release > login, "the publishing job logs in, then runs Publish");
        Assert.Contains(publish["steps"].Items, s => s["uses"].Text?.StartsWith("sigstore/cosign-installer@") == true);
    }

    [Fact]
    public void Platform_jobs_build_as_one_platform_of_the_permutation_and_can_verify_and_pass_on_a_reused_image()
    {
        foreach (var build in new[] { "build", "build-pr" })
        {
            var bake = Job(build)["steps"].Items.Single(s => RunsBuild(s, "Bake Validate"));
            Assert.Contains("--platforms \"$PLATFORMS\" --per-platform-job \"$PER_PLATFORM_JOB\"", bake["run"].Text);
            Assert.Equal("true", bake["env"]["PER_PLATFORM_JOB"].Text);
            // cosign before Bake: a reused image's SBOM attestations are verified, so only its index and SBOMs travel.
            var cosign = Job(build).IndexOfStep(s => s["uses"].Text?.StartsWith("sigstore/cosign-installer@") == true);
            Assert.True(cosign >= 0 && cosign < Job(build).IndexOfStep(s => RunsBuild(s, "Bake Validate")), $"{build} installs cosign before Bake");
            Assert.Contains("images/*.index.json", Job(build)["steps"].Items.Single(s => s["uses"].Text?.StartsWith("actions/upload-artifact@") == true)["with"]["path"].Text);
        }
        Assert.Contains("images/*.index.json", Job("merge")["steps"].Items.Single(s => s["uses"].Text?.StartsWith("actions/upload-artifact@") == true)["with"]["path"].Text);
        Assert.DoesNotContain("per-platform-job", Job("merge")["steps"].Items.Single(s => RunsBuild(s, "MergePlatforms"))["run"].Text);
    }

    [Fact]
    public void Build_jobs_take_force_from_a_repository_variable_so_a_refused_mixed_reuse_has_a_way_out()
    {
        foreach (var build in new[] { "build", "build-pr" })
        {
            var bake = Job(build)["steps"].Items.Single(s => RunsBuild(s, "Bake Validate"));
            Assert.Contains("--force \"$FORCE\"", bake["run"].Text);
            // A comparison, so an unset variable gives false (an empty FORCE would not parse as a bool).
            Assert.Equal("${{ vars.DEVCONTAINER_FORCE == 'true' }}", bake["env"]["FORCE"].Text);
        }
        Assert.DoesNotContain("--force", Job("merge")["steps"].Items.Single(s => RunsBuild(s, "MergePlatforms"))["run"].Text);
    }

    [Fact]
    public void Hosted_runner_labels_replace_the_self_hosted_defaults()
    {
        var runsOn = Variant("hosted-runners")["jobs"]["build"]["runs-on"].Text;
        Assert.Equal("${{ fromJSON(matrix.arch == 'arm64' && (vars.DEVCONTAINER_RUNS_ON_ARM64 || '[\"ubuntu-24.04-arm\"]') || (vars.DEVCONTAINER_RUNS_ON || '[\"ubuntu-24.04\"]')) }}", runsOn);
    }

    [Fact]
    public void Per_platform_jobs_run_each_platform_on_its_native_runner_without_QEMU()
    {
        var build = Job("build");
        var include = build["strategy"]["matrix"]["include"].Items;
        Assert.Equal(Permutation.All.Sum(p => p.Platforms.Count), include.Count);
        Assert.Equal(include.Select(e => e["platform"].Text!.Split('/')[1]), include.Select(e => e["arch"].Text));
        Assert.Equal("${{ fromJSON(matrix.arch == 'arm64' && (vars.DEVCONTAINER_RUNS_ON_ARM64 || '[\"self-hosted\",\"linux\",\"arm64\"]') || (vars.DEVCONTAINER_RUNS_ON || '[\"self-hosted\",\"linux\",\"x64\"]')) }}",
            build["runs-on"].Text);
        Assert.DoesNotContain(build["steps"].Items, s => s["uses"].Text?.StartsWith("docker/setup-qemu-action@") == true);
        Assert.Contains(build["steps"].Items, s => s["run"].Text?.Contains("--platforms \"$PLATFORMS\"") == true);
    }

    [Fact]
    public void Turned_off_one_emulated_job_per_permutation_builds_everything_and_publish_needs_it()
    {
        var jobs = Variant("emulated")["jobs"];
        Assert.Equal(["build-pr", "build", "publish"], jobs.Keys);
        Assert.Equal(Permutation.All.Select(p => p.Id), jobs["build"]["strategy"]["matrix"]["permutation"].Strings);
        Assert.Contains(jobs["build"]["steps"].Items, s => s["uses"].Text?.StartsWith("docker/setup-qemu-action@") == true);
        Assert.Contains(jobs["build"]["steps"].Items, s => RunsBuild(s, "Bake Validate Scan Sbom Manifest --permutations \"$PERMUTATIONS\" --registry \"$REGISTRY\" --artifacts \"$ARTIFACTS\""));
        Assert.Equal("permutation-${{ matrix.permutation }}", jobs["build"]["steps"].Items.Single(s => s["uses"].Text?.StartsWith("actions/upload-artifact@") == true)["with"]["name"].Text);
        Assert.Equal(["build"], jobs["publish"]["needs"].Strings);
    }

    [Fact]
    public void A_permutation_with_a_platform_no_native_runner_serves_is_refused_in_one_line()
    {
        var attribute = WorkflowTestSupport.MatrixAttribute();
        attribute.PerPlatformJobs = true;
        var odd = new Permutation { Value = "gcc15-riscv", Gcc = "15", Clang = "20", Platforms = ["linux/riscv64"] };
        var error = Assert.Throws<ArgumentException>(() => Pipeline.CI.WorkflowGenerator.Generate(WorkflowTestSupport.BuildClass, attribute, [], [odd]));
        Assert.Contains("'gcc15-riscv' has platform 'linux/riscv64'", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void A_permutation_id_that_is_another_id_and_a_dash_is_refused_since_its_platform_artifacts_would_reach_the_other_merge_job()
    {
        var attribute = WorkflowTestSupport.MatrixAttribute();
        var libcxx = new Permutation { Value = "gcc14-clang20-libcxx", Gcc = "14", Clang = "20" };
        var error = Assert.Throws<ArgumentException>(() => Pipeline.CI.WorkflowGenerator.Generate(WorkflowTestSupport.BuildClass, attribute, [], [Permutation.Gcc14Clang20, libcxx]));
        Assert.Contains("The merge job of 'gcc14-clang20' would also download gcc14-clang20-libcxx-amd64, gcc14-clang20-libcxx-arm64 (pattern gcc14-clang20-*)", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }
}
