namespace Pipeline.CI;

/// <summary>
/// The image pipeline as a workflow: a matrix job per permutation (or per permutation and platform) derived from the
/// permutations given, then a publishing job on push events that merges their artifacts and publishes.
/// </summary>
public static class MatrixWorkflowFactory
{
    public const string BuildJobId = "build";
    public const string PublishJobId = "publish";
    public const string ArtifactPrefix = "devcontainer-";
    public const string PublishedManifestArtifact = "published-manifest";

    public static Workflow Create(GitHubActionsMatrixAttribute a, IReadOnlyList<Permutation> permutations)
    {
        if (permutations.Count == 0) throw new ArgumentException($"Workflow '{a.Name}' has no permutations; add one to build/Matrix/Permutation.cs.");
        if (a.MatrixTargets.Length == 0) throw new ArgumentException($"Workflow '{a.Name}' has no MatrixTargets; name the targets each permutation job runs.");

        var on = new Triggers(
            PullRequest: a.OnPullRequestPaths.Length > 0
                ? new PullRequestTrigger([.. a.OnPullRequestPaths, ".github/workflows/" + a.FileName]) : null,
            Push: a.OnPushBranches.Length + a.OnPushTags.Length > 0 ? new PushTrigger(a.OnPushBranches, a.OnPushTags) : null);
        var jobs = new List<Job> { BuildJob(a, permutations) };
        if (a.PublishTargets.Length > 0) jobs.Add(PublishJob(a));
        return new Workflow(a.Name, on, CommonSteps.ReadOnly, CommonSteps.PerWorkflowAndRef, jobs);
    }

    private static Job BuildJob(GitHubActionsMatrixAttribute a, IReadOnlyList<Permutation> permutations)
    {
        var perPlatform = a.PerPlatformJobs;
        var include = perPlatform ? PlatformEntries(a, permutations) : null;
        var anySelfHosted = perPlatform
            ? include!.Any(e => (bool)e["self-hosted"])
            : GitHubActionsWorkflowAttribute.IsSelfHosted(a.RunsOn);

        var steps = new List<Step> { CommonSteps.Checkout(), CommonSteps.SetupDotnet(), CommonSteps.NuGetCache() };
        if (anySelfHosted) steps.Add(CommonSteps.RunnerHygiene(perPlatform ? "${{ matrix.self-hosted }}" : null));
        if (!perPlatform) steps.Add(CommonSteps.SetupQemu());
        steps.Add(CommonSteps.SetupBuildx());
        steps.Add(CommonSteps.SetupTrivy());

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

        return new Job(
            BuildJobId,
            perPlatform ? "${{ matrix.permutation }} (${{ matrix.platform }})" : "${{ matrix.permutation }}",
            perPlatform ? RunsOn.Expression("${{ matrix.runner }}") : new RunsOn(a.RunsOn),
            steps,
            TimeoutMinutes: a.TimeoutMinutes,
            Matrix: perPlatform
                ? new Matrix(Include: include)
                : new Matrix(Axes: new Dictionary<string, IReadOnlyList<string>> { ["permutation"] = permutations.Select(p => p.Id).ToList() }));
    }

    private static List<IReadOnlyDictionary<string, object>> PlatformEntries(GitHubActionsMatrixAttribute a, IReadOnlyList<Permutation> permutations) =>
        permutations.SelectMany(p => p.Platforms.Select(platform =>
        {
            var runner = platform switch
            {
                "linux/amd64" => a.RunsOn,
                "linux/arm64" => a.Arm64RunsOn,
                _ => throw new ArgumentException($"Permutation '{p.Id}' has platform '{platform}' with no native runner; use linux/amd64 or linux/arm64, or turn PerPlatformJobs off."),
            };
            return (IReadOnlyDictionary<string, object>)new Dictionary<string, object>
            {
                ["permutation"] = p.Id,
                ["platform"] = platform,
                ["arch"] = platform.Split('/')[1],
                ["runner"] = runner.Length == 1 ? runner[0] : runner,
                ["self-hosted"] = GitHubActionsWorkflowAttribute.IsSelfHosted(runner),
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

    private static Job PublishJob(GitHubActionsMatrixAttribute a)
    {
        var steps = new List<Step> { CommonSteps.Checkout(), CommonSteps.SetupDotnet(), CommonSteps.NuGetCache() };
        if (GitHubActionsWorkflowAttribute.IsSelfHosted(a.RunsOn)) steps.Add(CommonSteps.RunnerHygiene());
        steps.AddRange([
            CommonSteps.SetupBuildx(),
            CommonSteps.SetupCosign(),
            DownloadArtifacts(a.PerPlatformJobs),
            CommonSteps.RegistryLogin(a.Registry),
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
            CommonSteps.RegistryLogout(a.Registry),
        ]);

        return new Job(
            PublishJobId, "publish", new RunsOn(a.RunsOn), steps,
            Needs: [BuildJobId],
            If: "${{ github.event_name == 'push' }}",
            Permissions: new Dictionary<string, string> { ["contents"] = "read", ["packages"] = "write", ["id-token"] = "write" },
            TimeoutMinutes: a.PublishTimeoutMinutes);
    }
}
