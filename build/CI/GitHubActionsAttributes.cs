namespace Pipeline.CI;

/// <summary>What every generated workflow shares: its file name, runners, registry and time limit.</summary>
public abstract class GitHubActionsWorkflowAttribute(string name) : Attribute
{
    /// <summary>The workflow's name; the file is `.github/workflows/&lt;name&gt;.yml`.</summary>
    public string Name { get; } = name;

    public string FileName => Name + ".yml";

    /// <summary>
    /// Default runner labels (self-hosted first, as the plan says). A repository variable named
    /// <see cref="RunsOnVariable"/> overrides them without editing C#: a JSON array of labels (`["ubuntu-24.04"]`).
    /// </summary>
    public string[] RunsOn { get; set; } = ["self-hosted", "linux", "x64"];

    public string RunsOnVariable { get; set; } = "DEVCONTAINER_RUNS_ON";

    /// <summary>
    /// The `--registry` the build gets (through env:): the repository variable DEVCONTAINER_REGISTRY, else
    /// ghcr.io/&lt;owner&gt;. The login step logs in to its host.
    /// </summary>
    public string Registry { get; set; } = "${{ vars.DEVCONTAINER_REGISTRY || format('ghcr.io/{0}', github.repository_owner) }}";

    /// <summary>The build parameter <see cref="Registry"/> is passed to (`--registry`; Retention takes `--retention-repository`).</summary>
    public string RegistryParameter { get; set; } = "registry";

    /// <summary>
    /// The build parameter (`--per-platform-job`) that tells a per-platform job it builds one platform of the
    /// permutation's image: its input digest then covers all the permutation's platforms, so the jobs agree, the merged
    /// index keeps it and the next run can reuse the published image.
    /// </summary>
    public string PerPlatformJobParameter { get; set; } = "per-platform-job";

    /// <summary>
    /// The repository variable that, set to <c>true</c>, makes the build jobs pass <c>--force</c> (build every
    /// permutation even when its inputs are unchanged): the way out when one platform job reused the published image and
    /// another built, which MergePlatforms refuses. Unset it after the run.
    /// </summary>
    public string ForceVariable { get; set; } = "DEVCONTAINER_FORCE";

    /// <summary>Jobs that move registry tags or delete versions (publish, rollback, retention) share this group, so they never race.</summary>
    public string RegistryConcurrencyGroup { get; set; } = "devcontainer-registry";

    public int TimeoutMinutes { get; set; } = 30;

    /// <summary>
    /// The repository variable with the days a published image may age before it is rebuilt (the build's --max-image-age),
    /// passed to every job that decides it (Bake's reuse, Refresh), so they agree; unset: the build's default.
    /// </summary>
    public string MaxImageAgeVariable { get; set; } = "DEVCONTAINER_MAX_IMAGE_AGE";
    public const string MaxImageAgeParameter = "max-image-age";
}

/// <summary>
/// The image pipeline (NUKE has no matrix support; this has): one job per permutation of
/// <see cref="Permutation.All"/> (or per permutation and platform on native runners), then one job that merges
/// their outputs and publishes. Pull requests run <see cref="MatrixTargets"/> only; pushes also publish.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class GitHubActionsMatrixAttribute(string name) : GitHubActionsWorkflowAttribute(name)
{
    /// <summary>pull_request path filters; the workflow file itself is always added.</summary>
    public string[] OnPullRequestPaths { get; set; } = [];

    public string[] OnPushBranches { get; set; } = [];

    public string[] OnPushTags { get; set; } = [];

    /// <summary>
    /// Targets that build one permutation completely (`--permutations &lt;id&gt;`, each job under artifacts/permutation-&lt;id&gt;/):
    /// what a build job runs when <see cref="PerPlatformJobs"/> is off.
    /// </summary>
    public string[] MatrixTargets { get; set; } = [];

    /// <summary>
    /// One job per permutation and platform on a runner of that architecture (amd64 on
    /// <see cref="GitHubActionsWorkflowAttribute.RunsOn"/>, arm64 on <see cref="Arm64RunsOn"/>), running
    /// <see cref="PlatformTargets"/>; then one merge job per permutation joins the platforms into one image index and runs
    /// <see cref="MergeTargets"/>. Off: one QEMU-emulated multi-platform job per permutation runs <see cref="MatrixTargets"/>.
    /// </summary>
    public bool PerPlatformJobs { get; set; } = true;

    /// <summary>Targets each per-platform job runs on a push (`--platforms &lt;platform&gt;`, under artifacts/&lt;id&gt;-&lt;arch&gt;/).</summary>
    public string[] PlatformTargets { get; set; } = [];

    /// <summary>
    /// Targets each per-platform job of a pull request runs: it builds, validates, scans and SBOMs its own platform (its
    /// image staged in a registry the build starts on the runner) and uploads only reports and records. Nothing is merged
    /// or pushed, so a pull request has no merge job; a target that would push is refused (<see cref="RegistryAccess"/>).
    /// </summary>
    public string[] PullRequestPlatformTargets { get; set; } = [];

    /// <summary>Targets the per-permutation merge job runs on the platform images the push jobs recorded (under artifacts/permutation-&lt;id&gt;/).</summary>
    public string[] MergeTargets { get; set; } = [];

    /// <summary>Targets the merge job skips because the per-platform jobs ran them (`--skip ...`).</summary>
    public string[] MergeSkippedTargets { get; set; } = [];

    /// <summary>Targets the publishing job runs on every permutation's downloaded outputs (push events only).</summary>
    public string[] PublishTargets { get; set; } = [];

    /// <summary>Targets the publishing job skips because the build jobs ran them (`--skip ...`): it never re-plans or rebuilds.</summary>
    public string[] PublishSkippedTargets { get; set; } = [];

    /// <summary>Default labels of the linux/arm64 runners; the repository variable <see cref="Arm64RunsOnVariable"/> overrides them (GitHub's `["ubuntu-24.04-arm"]`, or self-hosted arm64).</summary>
    public string[] Arm64RunsOn { get; set; } = ["self-hosted", "linux", "arm64"];

    public string Arm64RunsOnVariable { get; set; } = "DEVCONTAINER_RUNS_ON_ARM64";

    /// <summary>A pull request from a fork never reaches a self-hosted runner (its code would run on a persistent machine): it gets this GitHub-hosted label.</summary>
    public string ForkRunsOn { get; set; } = "ubuntu-24.04";

    public string ForkArm64RunsOn { get; set; } = "ubuntu-24.04-arm";

    /// <summary>The default branch: releases publish only from tags whose commit is on it.</summary>
    public string DefaultBranch { get; set; } = "main";

    public int ArtifactRetentionDays { get; set; } = 30;

    public int PublishTimeoutMinutes { get; set; } = 60;

    /// <summary>
    /// A workflow_dispatch input of this name (a string of permutation ids) that the build jobs pass to Bake as the build
    /// parameter of the same name: the freshness workflow's rebuild of those permutations with today's packages. A
    /// dispatched run builds and publishes only on <see cref="DefaultBranch"/>, like a push there. Null: no workflow_dispatch.
    /// </summary>
    public string? RefreshDispatchInput { get; set; }
}

/// <summary>A workflow with one job that runs <see cref="InvokedTargets"/>, on a schedule and/or by hand.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class GitHubActionsAttribute(string name) : GitHubActionsWorkflowAttribute(name)
{
    public string[] InvokedTargets { get; set; } = [];

    /// <summary>A cron expression (UTC) for the schedule trigger.</summary>
    public string? OnCronSchedule { get; set; }

    /// <summary>Adds the workflow_dispatch trigger; its inputs come from <see cref="GitHubActionsInputAttribute"/>.</summary>
    public bool OnWorkflowDispatch { get; set; }

    /// <summary>A deployment environment whose protection rules (reviewers, allowed branches) gate the job.</summary>
    public string? Environment { get; set; }

    /// <summary>The job reads the last-known-good pin before the build and stores the pin the build wrote after it (contents: write for the lkg tag).</summary>
    public bool PinsLastKnownGood { get; set; }

    /// <summary>
    /// A folder under the job's artifacts whose SARIF files are uploaded to code scanning after the build
    /// (github/codeql-action/upload-sarif with the folder: each file's runs carry their own category); the job gets security-events: write.
    /// </summary>
    public string? UploadsSarif { get; set; }

    /// <summary>
    /// The matrix workflow (its name) the job asks GitHub to run (workflow_dispatch through GitHub's REST API with GITHUB_TOKEN,
    /// whose workflow_dispatch does start a run): the build gets --&lt;<see cref="DispatchParameter"/>&gt; &lt;file&gt; and the job actions: write.
    /// </summary>
    public string? Dispatches { get; set; }
    public string DispatchParameter { get; set; } = "rebuild-workflow";

    /// <summary>The job runs Trivy against published images: it installs the pinned release and skopeo, and passes the maximum image age.</summary>
    public bool RunsTrivy { get; set; }
}

/// <summary>A workflow_dispatch input of the workflow named <see cref="Workflow"/>, passed to the build as `--&lt;name&gt;` through env:.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class GitHubActionsInputAttribute(string workflow, string name, WorkflowInputType type, string description) : Attribute
{
    public string Workflow { get; } = workflow;
    public string Name { get; } = name;
    public WorkflowInputType Type { get; } = type;
    public string Description { get; } = description;
    public bool Required { get; set; }
    public string? Default { get; set; }

    /// <summary>An expression the build gets when the input is left empty (`inputs.x || fallback`).</summary>
    public string? Fallback { get; set; }

    internal DispatchInput ToInput() => new(Name, Description, Type, Required, Default, Fallback);
}

/// <summary>
/// The repository's tests on every pull request, read-only, in two jobs. The unit suites (<see cref="UnitTestProjects"/>:
/// no Docker) on a GitHub-hosted runner (<see cref="HostedRunsOn"/>), so every repository gets them green on its first
/// run. The README's test command (<see cref="Command"/>: unit and integration tests, as CI's .ci/run runs it) on a
/// self-hosted runner that has the container toolchain, named by the repository variable
/// <see cref="ToolchainRunsOnVariable"/> (JSON labels); unset, or for a fork's pull request, that job is skipped and the
/// unit job says so. With CI=true an integration test fails rather than skips where the toolchain is missing.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class GitHubActionsTestsAttribute(string name) : GitHubActionsWorkflowAttribute(name)
{
    public string Command { get; set; } = "dotnet test devcontainer-pipeline.sln";

    /// <summary>The test projects that need no Docker, run one by one on the hosted runner.</summary>
    public string[] UnitTestProjects { get; set; } = ["tests/Host.Tests", "tests/Build.Tests"];

    public string HostedRunsOn { get; set; } = "ubuntu-24.04";

    /// <summary>The repository variable with the labels of a runner that has the container toolchain (README, CI workflows: checklist).</summary>
    public string ToolchainRunsOnVariable { get; set; } = "DEVCONTAINER_TOOLCHAIN_RUNS_ON";

    /// <summary>The toolchain job builds the real image once (RealImage tests): longer than the unit job.</summary>
    public int ToolchainTimeoutMinutes { get; set; } = 120;
}
