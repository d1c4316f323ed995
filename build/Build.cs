using Pipeline.Host;

/// <summary>
/// The devcontainer pipeline, read top to bottom:
///   Bake → Validate → Scan → Sbom → Manifest → Publish (push by digest, sign, attest, verify, then tag)
/// and beside it Rollback (move mutable tags to a last-known-good manifest), Retention, Prune and
/// GenerateWorkflows. `./build.sh` with no target runs the pull-request pipeline (Manifest: no push);
/// `./build.sh Publish` runs everything. Each concern lives in its own partial file.
/// </summary>
partial class Build : NukeBuild
{
    public static int Main() => Execute<Build>(x => x.Manifest);

    [Parameter("Directory for everything a run writes (images, reports, manifest), relative to the root")]
    readonly string Artifacts = "artifacts";

    AbsolutePath ArtifactsDirectory => RootDirectory / Artifacts;

    /// <summary>Every path a target reads or writes under --artifacts.</summary>
    ArtifactLayout Layout => new(ArtifactsDirectory);

    /// <summary>The full log beside what the run writes (artifacts/logs/build.log), not in .nuke/temp.</summary>
    protected override AbsolutePath LogFile => Layout.BuildLog;

    /// <summary>One <c>key: value</c> note on the current target's row of the summary table.</summary>
    void AddSummary(string key, string value) => ReportSummary(notes => { notes[key] = value; return notes; });

    /// <summary>GITHUB_STEP_SUMMARY in Actions (the runner gives each step its own file); artifacts/summary.md locally.</summary>
    static string? ActionsStepSummary => Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary ? summary : null;

    void WriteStepSummary(string markdown)
    {
        if (markdown.Trim().Length == 0) return;
        var target = ActionsStepSummary ?? Layout.Summary;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.AppendAllText(target, StepSummary.Block(markdown, follows: File.Exists(target) && new FileInfo(target).Length > 0));
    }

    /// <summary>A local summary.md describes this run only: the last run's tables and warnings go before the first target runs.</summary>
    protected override void OnBuildInitialized()
    {
        if (ActionsStepSummary is null && Layout.Summary.FileExists()) File.Delete(Layout.Summary);
    }
}
