using Pipeline.CI;
using Pipeline.Host;
using Pipeline.Host.Tooling;
using Serilog;

/// <summary>
/// Freshness: Refresh re-scans every published <c>&lt;id&gt;</c> image with today's vulnerability data and decides, per
/// permutation, whether to rebuild it (RefreshPolicy); the rebuild itself is an ordinary Bake → Publish of the default
/// branch with --refresh-packages (a new packages snapshot: ImageFreshness), which the freshness workflow asks the
/// publishing workflow to run, so the same workflow identity builds and signs it.
/// </summary>
partial class Build
{
    [Parameter("Days a published image may age (since its packages snapshot) before it is rebuilt with today's packages: Refresh rebuilds it, and Bake never reuses it; 0 rebuilds every time")]
    readonly int MaxImageAge = ImageFreshness.DefaultMaxAgeDays;

    [Parameter("Permutations Bake builds with today's packages (a new packages snapshot, never reused): what Refresh decided, passed by the freshness workflow's rebuild")]
    readonly Permutation[] RefreshPackages = [];

    [Parameter("Refresh runs this workflow file on the default branch for the permutations it rebuilds (workflow_dispatch with refresh-packages, through GitHub's REST API with GITHUB_TOKEN: actions: write); unset, Refresh only decides")]
    readonly string? RebuildWorkflow;

    /// <summary>The workflow_dispatch input of the publishing workflow that carries --refresh-packages.</summary>
    public const string RefreshPackagesInput = "refresh-packages";

    [RegistryAccess(RegistryUse.Read)]
    Target Refresh => _ => _
        .Description("Re-scan every published <id> image (each platform, by digest, today's Trivy data, unfixed findings too): SARIF per permutation and platform for code scanning, "
            + "and a rebuild of each permutation with a fixable finding at --fail-on-severity or older than --max-image-age days (--rebuild-workflow asks CI for it)")
        .Reads(() => Artifacts, () => Permutations, () => FailOnSeverity, () => MaxImageAge, () => RebuildWorkflow, () => GitHubApiUrl, () => DefaultBranch)
        .Reads(RepositoryParameters)
        .Produces(Layout.Refresh / "*.json", Layout.RefreshSarif / "*.sarif", Layout.Summary)
        .Executes(async () =>
        {
            var now = DateTimeOffset.UtcNow;
            if (Layout.Refresh.DirectoryExists()) Directory.Delete(Layout.Refresh, recursive: true); // no earlier run's SARIF is uploaded as today's
            Layout.RefreshSarif.CreateDirectory();
            var verdicts = new List<RefreshVerdict>();
            foreach (var p in SelectedPermutations) verdicts.Add(await RefreshVerdictAsync(p, now));
            var sarif = Directory.GetFiles(Layout.RefreshSarif, "*.sarif").Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllText(f))).ToList();
            if (SarifReport.Problems(sarif) is { Count: > 0 } problems)
                throw new InvalidOperationException($"Code scanning would refuse the SARIF in {Layout.RefreshSarif}: {string.Join(" | ", problems)}");
            File.WriteAllText(Layout.RefreshDecisions, RefreshPolicy.Json(verdicts, FailOnSeverity, MaxImageAge, now));
            foreach (var verdict in verdicts) Log.Information("Refresh {Decision:l}", verdict.Line);
            WriteStepSummary("## Freshness of the published images\n\n" + RefreshPolicy.Summary(verdicts, MaxImageAge));
            foreach (var v in verdicts) AddSummary(v.PermutationId, v.Digest is null ? "not published" : v.Rebuild ? "rebuild" : "keep");
            await RequestRebuildAsync(RefreshPolicy.RefreshArgument(verdicts));
        });

    /// <summary>One permutation: its published image read at <c>&lt;repo&gt;:&lt;id&gt;</c>, each platform re-scanned there by digest, decided.</summary>
    async Task<RefreshVerdict> RefreshVerdictAsync(Permutation p, DateTimeOffset now)
    {
        var reference = ReuseDecision.CandidateReference(Context, ImageRepository, p.Id);
        var published = await ReadPublishedAsync(reference, CancellationToken.None);
        var reports = new List<(string Platform, string ReportJson)>();
        if (published is { Error: null, Digest: { } digest, IndexJson: { } index })
            foreach (var platform in PublishedEvidence.DescribeIndex(System.Text.Encoding.UTF8.GetBytes(index), reference).Platforms.Select(x => x.Platform))
            {
                var report = Layout.RefreshReport(p, platform);
                var exit = await Scanner.RegistryImageAsync(p.Id, $"{ImageRepository}@{digest}", platform, "json", report, includeUnfixed: true);
                if (exit != 0) throw new InvalidOperationException($"Trivy exited {exit} re-scanning {p.Id} {platform}; {ToolOutputPolicy.WhereFailedOutputIs()} (trivy.yaml keeps exit-code 0).");
                var sarif = Layout.RefreshSarifFile(p, platform);
                await Scanner.SarifAsync($"{p.Id} {platform}", report, sarif);
                File.WriteAllText(sarif, SarifReport.WithCategory(sarif, File.ReadAllText(sarif), SarifReport.Category(p.Id, platform)));
                reports.Add((platform, File.ReadAllText(report)));
            }
        return RefreshPolicy.Decide(p.Id, published, reports, FailOnSeverity, MaxImageAge, now);
    }

    /// <summary>With --rebuild-workflow: one workflow_dispatch of it on the default branch naming every permutation to rebuild.</summary>
    async Task RequestRebuildAsync(string permutations)
    {
        if (permutations.Length == 0)
        {
            Log.Information("Refresh: nothing to rebuild");
            return;
        }
        if (RebuildWorkflow is not { Length: > 0 } workflow)
        {
            Log.Information("Refresh: rebuild {Permutations:l} with ./build.sh Publish --refresh-packages {Permutations:l} on {Branch:l} (--rebuild-workflow asks CI to)",
                permutations, permutations, DefaultBranch);
            return;
        }
        await GitHubApi(GitHubToken!).DispatchWorkflowAsync(workflow, Context.DefaultBranch, new Dictionary<string, string> { [RefreshPackagesInput] = permutations });
        Log.Information("Refresh: asked GitHub to run {Workflow:l} on {Branch:l} with {Input:l}={Permutations:l}", workflow, Context.DefaultBranch, RefreshPackagesInput, permutations);
        WriteStepSummary($"Rebuild requested: `{workflow}` on `{Context.DefaultBranch}` with `{RefreshPackagesInput}: {permutations}`.");
    }

    /// <summary>--plan: what Refresh would read, scan, decide and ask for.</summary>
    IEnumerable<string> DescribePlannedRefresh(IReadOnlyCollection<string> plannedTargets) => !plannedTargets.Contains(nameof(Refresh)) ? []
        : ["", "Refresh would re-scan each published image with today's vulnerability data (every platform, by digest, unfixed findings too):",
            .. SelectedPermutations.Select(p => $"  {p.Id}: {ReuseDecision.CandidateReference(Context, ImageRepository, p.Id)}"),
            $"  and rebuild a permutation when a fixable finding at {string.Join("/", FailOnSeverity)} appears or its image is older than {MaxImageAge} days (--max-image-age);",
            $"  SARIF per permutation and platform in {Layout.RefreshSarif}, the decisions in {Layout.RefreshDecisions};",
            RebuildWorkflow is { Length: > 0 } workflow
                ? $"  the rebuild: a workflow_dispatch of {workflow} on {Context.DefaultBranch} with {RefreshPackagesInput}=<the permutations to rebuild>."
                : "  the rebuild: only logged (--rebuild-workflow <file> asks CI to run it)."];

    /// <summary>Up front: a maximum age below zero, and a rebuild request without GitHub's API inputs.</summary>
    IEnumerable<string> FreshnessProblems(IReadOnlyCollection<string> running)
    {
        if ((running.Contains(nameof(Refresh)) || running.Contains(nameof(Bake))) && MaxImageAge < 0)
            yield return $"--max-image-age is {MaxImageAge}; pass the days a published image may age before it is rebuilt (0 or more; default {ImageFreshness.DefaultMaxAgeDays}).";
        if (running.Contains(nameof(Refresh)) && RebuildWorkflow is { Length: > 0 } workflow)
        {
            if (!workflow.EndsWith(".yml", StringComparison.Ordinal) && !workflow.EndsWith(".yaml", StringComparison.Ordinal) || workflow.Contains('/'))
                yield return $"--rebuild-workflow '{workflow}' is not a workflow file name; pass the publishing workflow's file in .github/workflows/, e.g. build-devcontainer.yml.";
            foreach (var problem in GitHubApiInputProblems($"--rebuild-workflow {workflow}")) yield return problem;
        }
    }
}
