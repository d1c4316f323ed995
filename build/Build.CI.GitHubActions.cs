using Pipeline.CI;
using Pipeline.Host;
using Serilog;

// The workflows under .github/workflows/ are generated from these attributes (`./build.sh GenerateWorkflows`);
// the matrix comes from Permutation.All, each job's credentials from the [RegistryAccess] of the targets it runs.
// Tests fail when the committed files are stale.
[GitHubActionsMatrix("build-devcontainer",
    OnPullRequestPaths = new[] { "devcontainer/**", "docker-bake.hcl", "build/**", "trivy.yaml", ".trivyignore.yaml" },
    OnPushBranches = new[] { "main" },
    OnPushTags = new[] { "v*.*.*" },
    MatrixTargets = new[] { nameof(Bake), nameof(Validate), nameof(Scan), nameof(Sbom), nameof(Manifest) },
    // Native per-platform jobs build and validate one platform each and push it untagged; a merge job per permutation
    // puts their index into the registry, scans it there and writes that permutation's manifest. A pull request's
    // platform jobs also scan and SBOM their own platform and stop: nothing is merged or pushed.
    PlatformTargets = new[] { nameof(Bake), nameof(Validate) },
    PullRequestPlatformTargets = new[] { nameof(Bake), nameof(Validate), nameof(Scan), nameof(Sbom) },
    MergeTargets = new[] { nameof(MergePlatforms), nameof(Scan), nameof(Sbom), nameof(Manifest) },
    MergeSkippedTargets = new[] { nameof(Bake), nameof(Validate) },
    // The publishing job joins the build jobs' own manifests (checked, never re-planned) and publishes exactly that.
    PublishTargets = new[] { nameof(MergeManifests), nameof(Publish) },
    PublishSkippedTargets = new[] { nameof(Bake), nameof(Validate), nameof(Scan), nameof(Sbom), nameof(Manifest) },
    TimeoutMinutes = 360,
    ArtifactRetentionDays = 30,
    RefreshDispatchInput = RefreshPackagesInput)]
// Every day: each published image re-scanned with today's vulnerability data (SARIF to code scanning); a permutation with a
// fixable finding at the gate, or older than DEVCONTAINER_MAX_IMAGE_AGE days, is rebuilt by build-devcontainer (dispatched).
[GitHubActions("freshness",
    OnCronSchedule = "23 5 * * *",
    OnWorkflowDispatch = true,
    InvokedTargets = new[] { nameof(Refresh) },
    RunsTrivy = true,
    UploadsSarif = "refresh/sarif",
    Dispatches = "build-devcontainer")]
[GitHubActions("retention",
    OnCronSchedule = "17 3 * * 1",
    OnWorkflowDispatch = true,
    InvokedTargets = new[] { nameof(Retention) })]
[GitHubActionsInput("retention", "dry-run", WorkflowInputType.Boolean,
    "Only print the deletions (a scheduled run deletes)", Default = "true")]
[GitHubActions("rollback",
    OnWorkflowDispatch = true,
    InvokedTargets = new[] { nameof(Rollback) },
    Environment = "registry-rollback",
    PinsLastKnownGood = true)]
[GitHubActionsInput("rollback", "manifest", WorkflowInputType.String,
    "Path in this checkout of a manifest.json to roll the mutable tags back to; empty: the last-known-good pin (DEVCONTAINER_LKG, else the lkg tag)",
    Fallback = "format('{0}/lkg.json', runner.temp)")]
[GitHubActionsTests("test", TimeoutMinutes = 60)]
// Every Monday: the base image's digest pin moved to what its tag has now, proposed as a pull request (nothing moved, nothing
// proposed). GitHub's runner has gh and reaches the base's registry; DEVCONTAINER_RUNS_ON_UPDATES overrides it.
[GitHubActionsPullRequest("update-base-pin",
    OnCronSchedule = "41 4 * * 1",
    InvokedTargets = new[] { nameof(UpdateBasePin), nameof(ProposeBasePin) },
    RunsOn = new[] { "ubuntu-24.04" },
    RunsOnVariable = "DEVCONTAINER_RUNS_ON_UPDATES",
    TimeoutMinutes = 20)]
partial class Build : IHazArtifacts
{
    // The generated jobs upload what their targets produce, each path relative to this folder under the job's own --artifacts.
    AbsolutePath IHazArtifacts.ArtifactsDirectory => ArtifactsDirectory;

    Target GenerateWorkflows => _ => _
        .Description("Regenerate .github/workflows/*.yml from the attributes on the build class")
        .Executes(() =>
        {
            var workflows = WorkflowGenerator.Generate(typeof(Build), Permutation.All);
            foreach (var (file, change) in WorkflowFiles.Write(RootDirectory / ".github" / "workflows", workflows))
                Log.Information(".github/workflows/{File} {Change}", file, change.ToString().ToLowerInvariant());
        });
}
