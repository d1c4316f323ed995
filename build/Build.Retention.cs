using Pipeline.CI;
using Pipeline.Host;
using Pipeline.Host.Tooling;
using Pipeline.Retention;
using Pipeline.Retention.GitHub;
using Pipeline.Retention.Oci;
using Serilog;

partial class Build
{
    [Parameter("Retention policy file, relative to the root (docs/retention.md)", Name = "RetentionPolicy")]
    readonly string RetentionPolicyFile = Pipeline.Retention.RetentionPolicy.DefaultFileName;

    [Parameter("Image repositories Retention cleans, as host[:port]/name; default: the image repository and, with --cache registry, its cache repository")]
    readonly string[] RetentionRepository = [];

    [Parameter("Registry API Retention uses: Auto (GitHub for ghcr.io, else Oci), Oci or GitHub")]
    readonly RetentionBackendKind RetentionBackend = RetentionBackendKind.Auto;

    [Parameter("GitHub owner of the container package; default: the repository's first path segment")]
    readonly string? GitHubOwner;

    [Parameter("GitHub container package name; default: the repository path after the owner", Name = "GitHubPackage")]
    readonly string? GitHubPackageName;

    [Parameter("Whether the GitHub owner is an organization or a user; Auto asks GitHub")]
    readonly GitHubOwnerKind GitHubOwnerKind = GitHubOwnerKind.Auto;

    [Parameter("GitHub REST API address (GITHUB_API_URL on Actions)")]
    readonly string GitHubApiUrl = "https://api.github.com";

    [Parameter("User name for Retention's registry calls (default: token)")]
    readonly string? RetentionUsername;

    [Parameter("Token for Retention: a GitHub token with read:packages and delete:packages, or the registry password; default: GITHUB_TOKEN")]
    [Secret]
    readonly string? RetentionToken;

    [Parameter("Let Prune wipe Docker and buildx state on this machine", Name = "Prune")]
    readonly bool PruneRequested;

    [RegistryAccess(RegistryUse.Delete)]
    Target Retention => _ => _
        .Description("Delete old, untagged and pull-request images by the committed retention policy; never a kept image's parts")
        .Reads(() => Artifacts, () => RetentionPolicyFile, () => DryRun, () => RetentionRepository, () => Cache, () => RetentionBackend, () => RetentionUsername, () => RetentionToken)
        .Reads(() => GitHubOwner, () => GitHubPackageName, () => GitHubOwnerKind, () => GitHubApiUrl).Reads(RepositoryParameters)
        .Produces(Layout.Retention, Layout.Summary)
        .Executes(async () =>
        {
            var policy = Pipeline.Retention.RetentionPolicy.Load(RootDirectory / RetentionPolicyFile);
            var dryRun = DryRun ?? IsLocalBuild; // unlike Publish and Rollback, a laptop's Retention only prints unless told otherwise
            var plans = await PlanRetentionAsync(new RetentionPlanner(policy.Images, Permutation.All.Select(p => p.Id).ToList()), dryRun);
            AddSummary(dryRun ? "would delete" : "deleted", plans.Sum(p => p.Deletions.Count).ToString());
            AddSummary("kept", plans.Sum(p => p.Kept.Count).ToString());
        });

    /// <summary>Each retained repository planned (and, unless a dry run, deleted) in turn; its table goes to the step summary.</summary>
    async Task<IReadOnlyList<RetentionPlan>> PlanRetentionAsync(RetentionPlanner planner, bool dryRun)
    {
        var plans = new List<RetentionPlan>();
        foreach (var repository in RetentionRepositories)
        {
            var run = new RetentionRun(CreateRetentionBackend(repository), planner, repository);
            var plan = await run.ExecuteAsync(dryRun, DateTimeOffset.UtcNow, Layout.RetentionReports(repository));
            WriteStepSummary(PlanTable.Format(plan, repository, dryRun));
            plans.Add(plan);
        }
        return plans;
    }

    /// <summary>The policy file parses and its values are in range (an up-front check: bad input, exit 2).</summary>
    IReadOnlyList<string> RetentionPolicyProblems()
    {
        try { Pipeline.Retention.RetentionPolicy.Load(RootDirectory / RetentionPolicyFile); return []; }
        catch (Pipeline.Retention.RetentionPolicyException e) { return [e.Message]; }
    }

    /// <summary>Derived from where Publish pushes, so the policy covers the images and the build cache it wrote.</summary>
    IReadOnlyList<string> RetentionRepositories => RetentionRepository is { Length: > 0 } explicitRepositories ? explicitRepositories
        : Cache == CacheMode.Registry ? [ImageRepository, CachePolicy.CacheRepository(ImageRepository)] : [ImageRepository];

    Target Prune => _ => _
        .Description("Runner hygiene: prune Docker and buildx state (only with --prune; on a self-hosted CI runner only this job's own builders, unless the runner is ephemeral)")
        .Reads(() => PruneRequested, () => Builder)
        .OnlyWhenStatic(() => PruneDecision.Run)
        .Executes(async () =>
        {
            var docker = ToolResolver.Resolve("docker", "install the Docker CLI (docs.docker.com/engine/install).");
            var own = PruneDecision.Scope == PruneScope.Job ? OwnBuilders() : [];
            foreach (var arguments in RunnerHygiene.Commands(PruneDecision.Scope, Builder, own))
                await ToolRunner.RunCheckedAsync(docker, arguments);
        });

    RunnerHygiene.Decision? _pruneDecision;
    /// <summary>Logged once, so the summary's "condition … is false" has its explanation above it.</summary>
    RunnerHygiene.Decision PruneDecision
    {
        get
        {
            if (_pruneDecision is not null) return _pruneDecision;
            _pruneDecision = RunnerHygiene.Decide(PruneRequested, IsServerBuild, Environment.GetEnvironmentVariable("RUNNER_ENVIRONMENT"),
                Environment.GetEnvironmentVariable(RunnerHygiene.EphemeralRunnerVariable) == "true");
            Log.Information("Prune {Verdict}: {Reason}", _pruneDecision.Run ? "runs" : "is skipped", _pruneDecision.Reason);
            return _pruneDecision;
        }
    }

    /// <summary>The builders of this job's own Docker config: buildx keeps one file per builder in buildx/instances/.</summary>
    IReadOnlyList<string> OwnBuilders()
    {
        var config = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        var instances = string.IsNullOrEmpty(config) ? null : Path.Combine(config, "buildx", "instances");
        var names = instances is not null && Directory.Exists(instances) ? Directory.GetFiles(instances).Select(Path.GetFileName).OfType<string>().ToList() : [];
        var (builders, note) = RunnerHygiene.OwnBuilders(config, Environment.GetEnvironmentVariable("RUNNER_TEMP"), names);
        Log.Information("Prune: {Note:l}", note);
        return builders;
    }

    // Made on first use: a static HttpClient would load the HTTP stack at every start, Retention or not.
    static HttpClient? _retentionHttp;
    static HttpClient RetentionHttp => _retentionHttp ??= new HttpClient { Timeout = TimeSpan.FromSeconds(100) };

    IRegistryBackend CreateRetentionBackend(string repositoryReference)
    {
        var repository = RepositoryReference.Parse(repositoryReference);
        var token = RetentionToken ?? Environment.GetEnvironmentVariable("GITHUB_TOKEN");
        SecretMasker.Register(token, declared: true);
        if (RegistryBackends.Choose(RetentionBackend, repository) == RetentionBackendKind.Oci)
            return new OciRegistryBackend(new OciRegistryClient(repository, RetentionHttp, RetentionUsername, token));

        var package = GitHubPackage.From(repository, GitHubOwner, GitHubPackageName, GitHubOwnerKind);
        if (string.IsNullOrEmpty(token))
            throw new RegistryException("Retention on GHCR needs a token: set RETENTION_TOKEN (or GITHUB_TOKEN) to a token with read:packages and delete:packages.");
        return GitHubPackagesBackend.Create(new Uri(GitHubApiUrl), token, package, repository, RetentionHttp, RetentionUsername);
    }
}
