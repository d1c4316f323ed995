namespace Pipeline.CI;

/// <summary>
/// The image pipeline as a workflow: a matrix job per permutation (or per permutation and platform) derived from the
/// permutations given, then a publishing job on push events that merges their artifacts and publishes.
/// </summary>
public static class MatrixWorkflowFactory
{
    public const string BuildJobId = "build";
    public const string PullRequestJobId = "build-pr";
    public const string PublishJobId = "publish";
    public const string ArtifactPrefix = "devcontainer-";
    public const string PublishedManifestArtifact = "published-manifest";

    /// <summary>True for a pull request from a fork: it gets no credentials and no self-hosted runner.</summary>
    public const string FromFork = "github.event.pull_request.head.repo.full_name != github.repository";
    public const string FromThisRepository = "github.event.pull_request.head.repo.full_name == github.repository";

    /// <param name="registryUse">What the named targets do with the registry (<see cref="RegistryAccess.Of"/>): it decides each job's credentials.</param>
    public static Workflow Create(GitHubActionsMatrixAttribute a, IReadOnlyList<Permutation> permutations, Func<IEnumerable<string>, RegistryUse> registryUse)
    {
        if (permutations.Count == 0) throw new ArgumentException($"Workflow '{a.Name}' has no permutations; add one to build/Matrix/Permutation.cs.");
        if (a.MatrixTargets.Length == 0) throw new ArgumentException($"Workflow '{a.Name}' has no MatrixTargets; name the targets each permutation job runs.");

        var on = new Triggers(
            PullRequest: a.OnPullRequestPaths.Length > 0
                ? new PullRequestTrigger([.. a.OnPullRequestPaths, ".github/workflows/" + a.FileName]) : null,
            Push: a.OnPushBranches.Length + a.OnPushTags.Length > 0 ? new PushTrigger(a.OnPushBranches, a.OnPushTags) : null);
        var jobs = new List<Job>();
        var buildUse = registryUse(a.MatrixTargets);
        if (on.PullRequest is not null) jobs.Add(BuildJob(a, permutations, JobTrigger.PullRequest, buildUse));
        if (on.Push is not null) jobs.Add(BuildJob(a, permutations, JobTrigger.Trusted, buildUse));
        if (a.PublishTargets.Length > 0 && on.Push is not null) jobs.Add(PublishJob(a, registryUse(a.PublishTargets)));
        return new Workflow(a.Name, on, CommonSteps.ReadOnly, CommonSteps.PerWorkflowAndRef, jobs);
    }

    private static Job BuildJob(GitHubActionsMatrixAttribute a, IReadOnlyList<Permutation> permutations, JobTrigger trigger, RegistryUse use)
    {
        var perPlatform = a.PerPlatformJobs;
        var pullRequest = trigger == JobTrigger.PullRequest;
        var credentials = RegistryAccess.For(use, trigger);

        var steps = new List<Step> { CommonSteps.Checkout(fullHistory: !pullRequest) };
        if (!pullRequest) steps.Add(CommonSteps.ReleaseTagOnDefaultBranch(a.DefaultBranch));
        steps.AddRange([CommonSteps.SetupDotnet(), CommonSteps.NuGetCache(), CommonSteps.RunnerHygieneBefore()]);
        if (!perPlatform) steps.Add(CommonSteps.SetupQemu());
        steps.AddRange([CommonSteps.SetupBuildx(), CommonSteps.SetupTrivy(), CommonSteps.SetupSkopeo()]);
        // A fork's pull request gets no credentials: its login step is skipped, so it reads only public caches and writes none.
        if (credentials.Login) steps.Add(CommonSteps.RegistryLogin(a.Registry, pullRequest ? "${{ " + FromThisRepository + " }}" : null));

        var parameters = new List<(string, string)> { ("permutations", "${{ matrix.permutation }}") };
        if (perPlatform) parameters.Add(("platforms", "${{ matrix.platform }}"));
        parameters.Add((a.RegistryParameter, a.Registry));
        steps.Add(CommonSteps.Build(string.Join(", ", a.MatrixTargets) + " (no push)", a.MatrixTargets, parameters));

        steps.Add(new Step("Upload artifacts", PinnedActions.UploadArtifact, If: "${{ !cancelled() }}",
            With: new Dictionary<string, object>
            {
                ["name"] = ArtifactPrefix + "${{ matrix.permutation }}" + (perPlatform ? "-${{ matrix.arch }}" : ""),
                ["path"] = "artifacts/",
                ["retention-days"] = a.ArtifactRetentionDays,
                ["if-no-files-found"] = "warn",
                ["compression-level"] = 0,
            }));
        if (credentials.Login) steps.Add(CommonSteps.RegistryLogout(a.Registry));
        steps.Add(CommonSteps.RunnerHygieneAfter());

        return new Job(
            pullRequest ? PullRequestJobId : BuildJobId,
            perPlatform ? "${{ matrix.permutation }} (${{ matrix.platform }})" : "${{ matrix.permutation }}",
            RunsOn.Expression("${{ " + Runner(a, perPlatform, pullRequest) + " }}"),
            steps,
            If: pullRequest ? "${{ github.event_name == 'pull_request' }}" : "${{ github.event_name == 'push' }}",
            Permissions: credentials.Permissions,
            TimeoutMinutes: a.TimeoutMinutes,
            Matrix: perPlatform
                ? new Matrix(Include: PlatformEntries(permutations))
                : new Matrix(Axes: new Dictionary<string, IReadOnlyList<string>> { ["permutation"] = permutations.Select(p => p.Id).ToList() }));
    }

    // Labels from repository variables (JSON arrays), else the attribute's defaults; a fork's pull request always a hosted runner.
    private static string Runner(GitHubActionsMatrixAttribute a, bool perPlatform, bool pullRequest)
    {
        var native = perPlatform
            ? $"matrix.arch == 'arm64' && (vars.{a.Arm64RunsOnVariable} || '{CommonSteps.LabelsJson(a.Arm64RunsOn)}') || (vars.{a.RunsOnVariable} || '{CommonSteps.LabelsJson(a.RunsOn)}')"
            : $"vars.{a.RunsOnVariable} || '{CommonSteps.LabelsJson(a.RunsOn)}'";
        if (!pullRequest) return $"fromJSON({native})";
        var fork = perPlatform
            ? $"matrix.arch == 'arm64' && '{CommonSteps.LabelsJson([a.ForkArm64RunsOn])}' || '{CommonSteps.LabelsJson([a.ForkRunsOn])}'"
            : $"'{CommonSteps.LabelsJson([a.ForkRunsOn])}'";
        return $"fromJSON({FromFork} && ({fork}) || {native})";
    }

    private static List<IReadOnlyDictionary<string, object>> PlatformEntries(IReadOnlyList<Permutation> permutations) =>
        permutations.SelectMany(p => p.Platforms.Select(platform =>
        {
            if (platform is not ("linux/amd64" or "linux/arm64"))
                throw new ArgumentException($"Permutation '{p.Id}' has platform '{platform}' with no native runner; use linux/amd64 or linux/arm64, or turn PerPlatformJobs off.");
            return (IReadOnlyDictionary<string, object>)new Dictionary<string, object>
            {
                ["permutation"] = p.Id,
                ["platform"] = platform,
                ["arch"] = platform.Split('/')[1],
            };
        })).ToList();

    // One job per permutation: its files never collide, so they merge into one artifacts/ that Manifest re-reads.
    // One job per platform: each holds images/<id>.tar for one platform; they are kept apart under
    // artifacts/platforms/<artifact>/ for the digest merge (see GitHubActionsMatrixAttribute.PerPlatformJobs).
    private static Step DownloadArtifacts(bool perPlatform) => perPlatform
        ? new Step("Download every platform's artifacts (kept apart for the digest merge)", PinnedActions.DownloadArtifact,
            With: new Dictionary<string, object> { ["pattern"] = ArtifactPrefix + "*", ["path"] = "artifacts/platforms/", ["merge-multiple"] = false })
        : new Step("Download every permutation's artifacts", PinnedActions.DownloadArtifact,
            With: new Dictionary<string, object> { ["pattern"] = ArtifactPrefix + "*", ["path"] = "artifacts/", ["merge-multiple"] = true });

    private static Job PublishJob(GitHubActionsMatrixAttribute a, RegistryUse use)
    {
        var credentials = RegistryAccess.For(use, JobTrigger.Trusted);
        var steps = new List<Step>
        {
            CommonSteps.Checkout(fullHistory: true), CommonSteps.ReleaseTagOnDefaultBranch(a.DefaultBranch),
            CommonSteps.SetupDotnet(), CommonSteps.NuGetCache(), CommonSteps.RunnerHygieneBefore(),
            CommonSteps.SetupBuildx(), CommonSteps.SetupCosign(), CommonSteps.SetupSkopeo(),
            DownloadArtifacts(a.PerPlatformJobs),
        };
        if (credentials.Login) steps.Add(CommonSteps.RegistryLogin(a.Registry));
        steps.AddRange([
            CommonSteps.Build(string.Join(", ", a.PublishTargets) + " (push by digest, sign, attest, tag)", a.PublishTargets,
                [(a.RegistryParameter, a.Registry)], skip: a.PublishSkippedTargets),
            new Step("Upload the published manifest (Rollback's input)", PinnedActions.UploadArtifact,
                With: new Dictionary<string, object>
                {
                    ["name"] = PublishedManifestArtifact,
                    ["path"] = "artifacts/manifest.json",
                    ["retention-days"] = a.ArtifactRetentionDays,
                    ["if-no-files-found"] = "error",
                }),
        ]);
        if (credentials.Login) steps.Add(CommonSteps.RegistryLogout(a.Registry));
        steps.Add(CommonSteps.RunnerHygieneAfter());

        return new Job(
            PublishJobId, "publish", RunsOn.Expression("${{ " + Runner(a, perPlatform: false, pullRequest: false) + " }}"), steps,
            Needs: [BuildJobId],
            If: "${{ github.event_name == 'push' }}",
            Permissions: credentials.Permissions,
            TimeoutMinutes: a.PublishTimeoutMinutes,
            Concurrency: CommonSteps.Registry(a.RegistryConcurrencyGroup));
    }
}
