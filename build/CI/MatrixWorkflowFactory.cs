namespace Pipeline.CI;

/// <summary>
/// The image pipeline as a workflow: per permutation and platform a native build job, per permutation a merge job that
/// joins the platforms into one image index in the registry (or, with PerPlatformJobs off, one emulated job per
/// permutation), then a publishing job on push events that joins the permutations' manifests and publishes. A pull
/// request's platform jobs build, validate, scan and SBOM their own platform and stop there: nothing is merged or pushed.
/// Images travel through the registry, never as artifacts: every upload is what the targets produce (JobUploads), and
/// with the default parameters no target produces image bytes.
/// </summary>
public static class MatrixWorkflowFactory
{
    public const string BuildJobId = "build";
    public const string PullRequestJobId = "build-pr";
    public const string MergeJobId = "merge";
    public const string PullRequestMergeJobId = "merge-pr";
    public const string PublishJobId = "publish";
    /// <summary>
    /// Each job's artifact is named after its --artifacts folder and holds what its targets produce there (<see cref="JobUploads"/>):
    /// a platform job's <c>&lt;id&gt;-&lt;arch&gt;</c>, a permutation's <c>permutation-&lt;id&gt;</c>. Downloads by pattern without
    /// merge-multiple put each artifact into path/&lt;name&gt;/, so consumers see the producers' folders and nothing collides.
    /// </summary>
    public const string PermutationArtifactPrefix = "permutation-";
    public const string PublishedManifestArtifact = "published-manifest";
    /// <summary>Where the merge job downloads the per-platform artifacts (the build's --platform-parts default), outside artifacts/ so they are not uploaded again.</summary>
    public const string PlatformPartsFolder = "platforms/";

    /// <summary>True for a pull request from a fork: it gets no credentials and no self-hosted runner.</summary>
    public const string FromFork = "github.event.pull_request.head.repo.full_name != github.repository";
    public const string FromThisRepository = "github.event.pull_request.head.repo.full_name == github.repository";

    const string PermutationFolder = "artifacts/" + PermutationArtifactPrefix + "${{ matrix.permutation }}";
    const string PlatformFolder = "artifacts/${{ matrix.permutation }}-${{ matrix.arch }}";
    /// <summary>The publishing job's --artifacts (the default): the permutations' artifacts are downloaded into it.</summary>
    const string PublishFolder = "artifacts";

    /// <param name="registryUse">What the named targets do with the registry (<see cref="RegistryAccess.Of"/>): it decides each job's credentials.</param>
    /// <param name="uploads">What the targets produce (<see cref="JobUploads.Of"/>): it decides what each job uploads.</param>
    public static Workflow Create(GitHubActionsMatrixAttribute a, IReadOnlyList<Permutation> permutations, Func<IEnumerable<string>, RegistryUse> registryUse, JobUploads uploads)
    {
        if (permutations.Count == 0) throw new ArgumentException($"Workflow '{a.Name}' has no permutations; add one to build/Matrix/Permutation.cs.");
        if (a.MatrixTargets.Length == 0) throw new ArgumentException($"Workflow '{a.Name}' has no MatrixTargets; name the targets each permutation job runs.");
        if (a.PerPlatformJobs && (a.PlatformTargets.Length == 0 || a.MergeTargets.Length == 0))
            throw new ArgumentException($"Workflow '{a.Name}' has PerPlatformJobs but no PlatformTargets or MergeTargets; name what each platform job and each merge job runs.");
        if (a.PerPlatformJobs) RefuseAmbiguousPlatformPatterns(permutations);

        var on = new Triggers(
            PullRequest: a.OnPullRequestPaths.Length > 0
                ? new PullRequestTrigger([.. a.OnPullRequestPaths, ".github/workflows/" + a.FileName]) : null,
            Push: a.OnPushBranches.Length + a.OnPushTags.Length > 0 ? new PushTrigger(a.OnPushBranches, a.OnPushTags) : null,
            WorkflowDispatch: a.RefreshDispatchInput is { } refresh
                ? [new DispatchInput(refresh, "Permutations to rebuild with today's packages (comma-separated ids; the freshness workflow's rebuild); runs only on " + a.DefaultBranch,
                    WorkflowInputType.String, Required: false, Default: null)]
                : null);
        var jobs = new List<Job>();
        foreach (var trigger in new[] { JobTrigger.PullRequest, JobTrigger.Trusted })
        {
            if (trigger == JobTrigger.PullRequest ? on.PullRequest is null : on.Push is null) continue;
            if (a.PerPlatformJobs && trigger == JobTrigger.PullRequest)
            {
                // Read-only: each platform job scans its own image, staged in a registry the build starts on the runner.
                if (a.PullRequestPlatformTargets.Length == 0)
                    throw new ArgumentException($"Workflow '{a.Name}' has PerPlatformJobs and pull requests but no PullRequestPlatformTargets; name what each pull-request platform job runs.");
                jobs.Add(BuildJob(a, permutations, trigger, registryUse(a.PullRequestPlatformTargets), uploads, perPlatform: true));
            }
            else if (a.PerPlatformJobs)
            {
                // Platform images are pushed untagged to the image repository; the merge job puts their index there.
                jobs.Add(BuildJob(a, permutations, trigger, registryUse(a.PlatformTargets), uploads, perPlatform: true));
                jobs.Add(MergeJob(a, permutations, trigger, registryUse(a.MergeTargets), uploads));
            }
            else jobs.Add(BuildJob(a, permutations, trigger, registryUse(a.MatrixTargets), uploads, perPlatform: false));
        }
        if (a.PublishTargets.Length > 0 && on.Push is not null) jobs.Add(PublishJob(a, registryUse(a.PublishTargets), uploads));
        return new Workflow(a.Name, on, CommonSteps.ReadOnly, a.RefreshDispatchInput is null ? CommonSteps.PerWorkflowAndRef : RefreshApart, jobs);
    }

    /// <summary>
    /// A rebuild the freshness workflow dispatched queues apart from pushes to the same branch: in one group, GitHub keeps one
    /// pending run and cancels the one before, so a push would cancel a pending rebuild (or the reverse). Their publish jobs
    /// still queue in the registry group.
    /// </summary>
    static Concurrency RefreshApart => CommonSteps.PerWorkflowAndRef with
    {
        Group = "${{ github.workflow }}-${{ github.ref }}${{ github.event_name == 'workflow_dispatch' && '-refresh' || '' }}",
    };

    /// <summary>A push, or a workflow_dispatch (the freshness workflow's rebuild) on the default branch: the events that build to publish.</summary>
    static string TrustedEvent(GitHubActionsMatrixAttribute a) => a.RefreshDispatchInput is null
        ? "github.event_name == 'push'"
        : $"github.event_name == 'push' || github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/{a.DefaultBranch}'";

    static string EventCondition(GitHubActionsMatrixAttribute a, JobTrigger trigger) =>
        trigger == JobTrigger.PullRequest ? "${{ github.event_name == 'pull_request' }}" : "${{ " + TrustedEvent(a) + " }}";

    /// <summary>The job's own Docker config, checkout, release-tag check (push), .NET, NuGet cache, hygiene: the start of every pipeline job.</summary>
    static List<Step> Preamble(GitHubActionsMatrixAttribute a, bool pullRequest)
    {
        var steps = new List<Step> { CommonSteps.PrivateDockerConfig(), CommonSteps.Checkout(fullHistory: !pullRequest) };
        if (!pullRequest) steps.Add(CommonSteps.ReleaseTagOnDefaultBranch(a.DefaultBranch));
        steps.AddRange([CommonSteps.SetupDotnet(), CommonSteps.NuGetCache(), CommonSteps.RunnerHygieneBefore()]);
        return steps;
    }

    /// <summary>Uploads what the job's targets produce in its folder, as the artifact named after that folder (see <see cref="PermutationArtifactPrefix"/>).</summary>
    static Step Upload(GitHubActionsMatrixAttribute a, JobUploads uploads, string[] targets, string[] skipped, string folder) =>
        new("Upload what " + string.Join(", ", targets) + " produced", PinnedActions.UploadArtifact, If: "${{ !cancelled() }}",
            With: new Dictionary<string, object>
            {
                ["name"] = folder[(folder.LastIndexOf('/') + 1)..],
                ["path"] = string.Join("\n", uploads.Paths(targets, skipped, folder)),
                ["retention-days"] = a.ArtifactRetentionDays,
                ["if-no-files-found"] = "warn",
                ["compression-level"] = 0,
            });

    /// <summary>
    /// The merge job selects its platform artifacts with <c>&lt;id&gt;-*</c>; refused when that would also select another
    /// permutation's (an id that is another id plus a dash), since both would land in the same platform-parts folder.
    /// </summary>
    static void RefuseAmbiguousPlatformPatterns(IReadOnlyList<Permutation> permutations)
    {
        var names = permutations.ToDictionary(p => p.Id, p => PlatformEntries([p]).Select(e => $"{p.Id}-{e["arch"]}").ToList());
        foreach (var p in permutations)
        {
            var foreign = names.Where(n => n.Key != p.Id).SelectMany(n => n.Value).Where(n => JobUploads.Selects(PlatformPattern(p.Id), n)).ToList();
            if (foreign.Count > 0)
                throw new ArgumentException($"The merge job of '{p.Id}' would also download {string.Join(", ", foreign)} (pattern {PlatformPattern(p.Id)}); rename a permutation so that no id is another id followed by '-'.");
        }
    }

    static string PlatformPattern(string permutationId) => permutationId + "-*";

    /// <summary>Targets that run Trivy (scanning and listing packages): their jobs install the pinned Trivy.</summary>
    static readonly string[] TrivyTargets = ["Scan", "Sbom"];

    private static Job BuildJob(GitHubActionsMatrixAttribute a, IReadOnlyList<Permutation> permutations, JobTrigger trigger, RegistryUse use, JobUploads uploads, bool perPlatform)
    {
        var pullRequest = trigger == JobTrigger.PullRequest;
        var credentials = RegistryAccess.For(use, trigger);
        var targets = !perPlatform ? a.MatrixTargets : pullRequest ? a.PullRequestPlatformTargets : a.PlatformTargets;

        var steps = Preamble(a, pullRequest);
        if (!perPlatform) steps.Add(CommonSteps.SetupQemu());
        // A pull request stages its images in a registry the build starts on the runner's loopback; BuildKit must reach it.
        steps.Add(CommonSteps.SetupBuildx(hostNetwork: pullRequest));
        if (uploads.RunningTargets(targets, []).Intersect(TrivyTargets).Any()) steps.Add(CommonSteps.SetupTrivy());
        // cosign verifies the published SBOM attestation of an image Bake reuses (unchanged inputs), so the platform job
        // keeps that small evidence instead of copying the image.
        steps.AddRange([CommonSteps.SetupCosign(), CommonSteps.RepositoryCosignKey(signs: !pullRequest), CommonSteps.SetupSkopeo()]);
        // A fork's pull request gets no credentials: its login step is skipped, so it reads only public caches and writes none.
        if (credentials.Login) steps.Add(CommonSteps.RegistryLogin(a.Registry, pullRequest ? "${{ " + FromThisRepository + " }}" : null));

        var parameters = new List<(string, string)> { ("permutations", "${{ matrix.permutation }}") };
        // One platform of the permutation's build: its input digest covers every platform, as the merged index's must.
        if (perPlatform) parameters.AddRange([("platforms", "${{ matrix.platform }}"), (a.PerPlatformJobParameter, "true")]);
        parameters.Add((a.RegistryParameter, a.Registry));
        parameters.Add(("artifacts", perPlatform ? PlatformFolder : PermutationFolder));
        parameters.Add(("force", "${{ vars." + a.ForceVariable + " == 'true' }}"));
        parameters.Add((GitHubActionsWorkflowAttribute.MaxImageAgeParameter, TargetWorkflowFactory.MaxImageAge(a)));
        // The freshness workflow's rebuild: empty on a push (inputs is empty then), a list of ids when dispatched.
        if (!pullRequest && a.RefreshDispatchInput is { } refresh) parameters.Add((refresh, "${{ inputs." + refresh + " }}"));
        // A token without packages: write cannot export the cache (the registry refuses it): read it, write none.
        if (use.HasFlag(RegistryUse.WriteCache) && !credentials.CanWritePackages)
            parameters.Add(("cache", "registry-read"));
        var what = pullRequest ? " (one platform, staged on the runner, nothing pushed)" : perPlatform ? " (one platform, pushed untagged)" : " (pushed untagged)";
        steps.Add(CommonSteps.Build(string.Join(", ", targets) + what, targets, parameters));
        steps.Add(Upload(a, uploads, targets, [], perPlatform ? PlatformFolder : PermutationFolder));
        if (credentials.Login) steps.Add(CommonSteps.RegistryLogout(a.Registry));
        steps.Add(CommonSteps.RunnerHygieneAfter());

        return new Job(
            pullRequest ? PullRequestJobId : BuildJobId,
            perPlatform ? "${{ matrix.permutation }} (${{ matrix.platform }})" : "${{ matrix.permutation }}",
            RunsOn.Expression("${{ " + Runner(a, perPlatform, pullRequest) + " }}"),
            steps,
            If: EventCondition(a, trigger),
            Permissions: credentials.Permissions,
            TimeoutMinutes: a.TimeoutMinutes,
            Matrix: perPlatform ? new Matrix(Include: PlatformEntries(permutations)) : PermutationAxis(permutations));
    }

    static Matrix PermutationAxis(IReadOnlyList<Permutation> permutations) =>
        new(Axes: new Dictionary<string, IReadOnlyList<string>> { ["permutation"] = permutations.Select(p => p.Id).ToList() });

    /// <summary>
    /// Per permutation, after its platform jobs (push events): puts the index of the images they pushed into the registry
    /// (MergePlatforms, by digest, untagged), scans and SBOMs each platform there by digest and writes the permutation's
    /// manifest, all under artifacts/permutation-&lt;id&gt;/. It builds nothing and moves no image bytes; it uses the
    /// registry with the targets' declared access.
    /// </summary>
    private static Job MergeJob(GitHubActionsMatrixAttribute a, IReadOnlyList<Permutation> permutations, JobTrigger trigger, RegistryUse use, JobUploads uploads)
    {
        var pullRequest = trigger == JobTrigger.PullRequest;
        var credentials = RegistryAccess.For(use, trigger);
        var steps = Preamble(a, pullRequest);
        steps.AddRange([CommonSteps.SetupBuildx(), CommonSteps.SetupTrivy(), CommonSteps.SetupSkopeo(),
            // Without merge-multiple each artifact goes to platforms/<its name>/: the <id>-<arch>/ folders MergePlatforms reads.
            new Step("Download this permutation's platform artifacts (one folder each)", PinnedActions.DownloadArtifact,
                With: new Dictionary<string, object> { ["pattern"] = PlatformPattern("${{ matrix.permutation }}"), ["path"] = PlatformPartsFolder })]);
        if (credentials.Login) steps.Add(CommonSteps.RegistryLogin(a.Registry, pullRequest ? "${{ " + FromThisRepository + " }}" : null));
        var parameters = new List<(string, string)> { ("permutations", "${{ matrix.permutation }}"), (a.RegistryParameter, a.Registry), ("artifacts", PermutationFolder) };
        steps.Add(CommonSteps.Build(string.Join(", ", a.MergeTargets) + " (one index per permutation put in the registry by digest, untagged; scanned there)",
            a.MergeTargets, parameters, skip: a.MergeSkippedTargets));
        steps.Add(Upload(a, uploads, a.MergeTargets, a.MergeSkippedTargets, PermutationFolder));
        if (credentials.Login) steps.Add(CommonSteps.RegistryLogout(a.Registry));
        steps.Add(CommonSteps.RunnerHygieneAfter());
        return new Job(
            pullRequest ? PullRequestMergeJobId : MergeJobId,
            "${{ matrix.permutation }} (merge platforms)",
            RunsOn.Expression("${{ " + Runner(a, perPlatform: false, pullRequest) + " }}"),
            steps,
            Needs: [pullRequest ? PullRequestJobId : BuildJobId],
            If: EventCondition(a, trigger),
            Permissions: credentials.Permissions,
            TimeoutMinutes: a.PublishTimeoutMinutes,
            Matrix: PermutationAxis(permutations));
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
                ["arch"] = CachePolicy.PlatformSlug(platform),
            };
        })).ToList();

    private static Job PublishJob(GitHubActionsMatrixAttribute a, RegistryUse use, JobUploads uploads)
    {
        var credentials = RegistryAccess.For(use, JobTrigger.Trusted);
        var steps = Preamble(a, pullRequest: false);
        steps.AddRange([
            CommonSteps.SetupBuildx(), CommonSteps.SetupCosign(), CommonSteps.RepositoryCosignKey(signs: true), CommonSteps.SetupSkopeo(),
            // Without merge-multiple each artifact goes to artifacts/<its name>/, the folder MergeManifests reads it from.
            new Step("Download every permutation's artifacts (one folder each)", PinnedActions.DownloadArtifact,
                With: new Dictionary<string, object> { ["pattern"] = PermutationArtifactPrefix + "*", ["path"] = PublishFolder + "/" }),
        ]);
        if (credentials.Login) steps.Add(CommonSteps.RegistryLogin(a.Registry));
        steps.AddRange([
            CommonSteps.ReadPin(),
            CommonSteps.Build(string.Join(", ", a.PublishTargets) + " (verify the images are there, sign, attest, tag)", a.PublishTargets,
                [(a.RegistryParameter, a.Registry), ("last-known-good", CommonSteps.PinPath)], skip: a.PublishSkippedTargets),
            CommonSteps.StorePin(),
            // Whatever happened (a failed pin, a failed or cancelled publish): the manifest and publish plan say what moved.
            new Step("Upload the published manifest (Rollback's input) and what " + string.Join(", ", a.PublishTargets) + " produced", PinnedActions.UploadArtifact,
                If: "${{ always() }}",
                With: new Dictionary<string, object>
                {
                    ["name"] = PublishedManifestArtifact,
                    ["path"] = string.Join("\n", uploads.Paths(a.PublishTargets, a.PublishSkippedTargets, PublishFolder)),
                    ["retention-days"] = a.ArtifactRetentionDays,
                    ["if-no-files-found"] = "error",
                }),
        ]);
        if (credentials.Login) steps.Add(CommonSteps.RegistryLogout(a.Registry));
        steps.Add(CommonSteps.RunnerHygieneAfter());

        // contents: write only to move the lkg tag (the pin) once the publish is verified.
        var permissions = new Dictionary<string, string>(credentials.Permissions) { ["contents"] = "write" };
        return new Job(
            PublishJobId, "publish", RunsOn.Expression("${{ " + Runner(a, perPlatform: false, pullRequest: false) + " }}"), steps,
            Needs: [a.PerPlatformJobs ? MergeJobId : BuildJobId],
            If: "${{ " + TrustedEvent(a) + " }}",
            Permissions: permissions,
            TimeoutMinutes: a.PublishTimeoutMinutes,
            Concurrency: CommonSteps.Registry(a.RegistryConcurrencyGroup));
    }
}
