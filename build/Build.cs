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

    /// <summary>One <c>key: value</c> note on the current target's row of the summary table.</summary>
    void AddSummary(string key, string value) => ReportSummary(notes => { notes[key] = value; return notes; });
}
