namespace Pipeline.CI;

/// <summary>What every generated workflow shares: its file name, runners, registry and time limit.</summary>
public abstract class GitHubActionsWorkflowAttribute(string name) : Attribute
{
    /// <summary>The workflow's name; the file is `.github/workflows/&lt;name&gt;.yml`.</summary>
    public string Name { get; } = name;

    public string FileName => Name + ".yml";

    /// <summary>Runner labels: one hosted label (`ubuntu-latest`) or a self-hosted set (`self-hosted`, `linux`, `x64`).</summary>
    public string[] RunsOn { get; set; } = ["ubuntu-latest"];

    /// <summary>The `--registry` the build gets (through env:). The owner part is the only expression in it.</summary>
    public string Registry { get; set; } = "ghcr.io/${{ github.repository_owner }}";

    /// <summary>The build parameter <see cref="Registry"/> is passed to (`--registry`; Retention takes `--retention-repository`).</summary>
    public string RegistryParameter { get; set; } = "registry";

    public int TimeoutMinutes { get; set; } = 30;

    internal static bool IsSelfHosted(IEnumerable<string> labels) =>
        labels.Any(l => string.Equals(l, "self-hosted", StringComparison.OrdinalIgnoreCase));
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

    /// <summary>Targets each matrix job runs (`--permutations &lt;id&gt;`); its artifacts are uploaded.</summary>
    public string[] MatrixTargets { get; set; } = [];

    /// <summary>Targets the publishing job runs on the merged artifacts of all matrix jobs (push events only).</summary>
    public string[] PublishTargets { get; set; } = [];

    /// <summary>Targets the publishing job skips because the matrix jobs ran them (`--skip ...`).</summary>
    public string[] PublishSkippedTargets { get; set; } = [];

    /// <summary>
    /// One job per permutation and platform on native runners (amd64 on <see cref="GitHubActionsWorkflowAttribute.RunsOn"/>,
    /// arm64 on <see cref="Arm64RunsOn"/>) instead of one QEMU-emulated multi-platform job per permutation. The publishing
    /// job then gets each platform's outputs apart under artifacts/platforms/ for a digest merge into one index per
    /// permutation; the build does not do that merge yet, so this stays off until it does (README, "CI workflows").
    /// </summary>
    public bool PerPlatformJobs { get; set; }

    public string[] Arm64RunsOn { get; set; } = ["ubuntu-24.04-arm"];

    public int ArtifactRetentionDays { get; set; } = 30;

    public int PublishTimeoutMinutes { get; set; } = 60;
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

    /// <summary>Write scopes the job gets (e.g. `packages`); the workflow's top level stays read-only.</summary>
    public string[] WritePermissions { get; set; } = [];

    /// <summary>Passes GITHUB_TOKEN to the build step as an environment variable (never on a command line).</summary>
    public bool EnableGitHubToken { get; set; }

    /// <summary>Logs in to the registry's host with GITHUB_TOKEN (through env:) before the build step.</summary>
    public bool RegistryLogin { get; set; }

    /// <summary>Installs cosign (pinned installer) for targets that sign or verify signatures.</summary>
    public bool InstallCosign { get; set; }
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

    internal DispatchInput ToInput() => new(Name, Description, Type, Required, Default);
}
