using Pipeline.Host;

namespace Pipeline.Model;

/// <summary>
/// Where a run's files live under --artifacts: every target reads and writes each permutation's archive, scan
/// report, SBOM, provenance and the manifest through this one layout, so no path is spelled twice.
/// </summary>
public sealed record ArtifactLayout(AbsolutePath Directory)
{
    public AbsolutePath Images => Directory / "images";
    public AbsolutePath Manifest => Directory / "manifest.json";
    public AbsolutePath BakePlan => Directory / "bake-plan.txt";

    /// <summary>What Bake ran, machine-readable (<see cref="Model.BakeRecord"/>): Manifest and the provenance are written from it.</summary>
    public AbsolutePath BakeRecord => Directory / "bake-plan.json";
    public AbsolutePath BakeOverride => Directory / "bake.override.json";
    public AbsolutePath BakeMetadata => Directory / "bake-metadata.json";
    public AbsolutePath PublishPlan => Directory / "publish-plan.txt";
    public AbsolutePath Summary => Directory / "summary.md";

    /// <summary>What UpdateBasePin changed (or that nothing moved): the scheduled workflow's commit message and pull request.</summary>
    public AbsolutePath BasePinChange => Directory / "base-pin.md";

    /// <summary>The run's full log: every tool's output, timestamped, secrets masked (the console shows steps; --verbosity verbose all).</summary>
    public AbsolutePath BuildLog => Directory / "logs" / "build.log";

    /// <summary>The permutation's OCI archive (every platform in one image index), with --image-output archive.</summary>
    public AbsolutePath Archive(Permutation p) => AbsolutePath.Create(ArchiveIn(Images, p.Id));

    /// <summary>
    /// A copy of the image index the registry holds for an image that is not in an archive (pushed by Bake or
    /// MergePlatforms, or reused): its sha256 is the image digest, its entries the platform digests the manifest records.
    /// </summary>
    public AbsolutePath ImageIndex(Permutation p) => Images / $"{p.Id}.index.json";

    /// <summary>Where that image is (<see cref="Model.PushedImage"/>): the record Scan, Sbom, Manifest and MergePlatforms read it by.</summary>
    public AbsolutePath PushedImage(Permutation p) => PushedImages / $"{p.Id}.json";
    public AbsolutePath PushedImages => Directory / "pushed";

    /// <summary>The permutation's scan report (the manifest's: every platform's findings merged).</summary>
    public AbsolutePath ScanReport(Permutation p) => ScanReports / $"{p.Id}.json";
    public AbsolutePath ScanReport(Permutation p, string platform) => ScanReports / $"{p.Id}.{PlatformScanReports.FileSuffix(platform)}.json";
    public AbsolutePath ScanReports => Directory / "scan";

    /// <summary>Every scan report, as a target declares what it produces (a glob).</summary>
    public AbsolutePath AllScanReports => ScanReports / "*.json";

    /// <summary>The permutation's SBOM (the first platform's; each platform's own is attested on that platform's manifest).</summary>
    public AbsolutePath Sbom(Permutation p) => Sboms / $"{p.Id}.cdx.json";
    public AbsolutePath Sbom(Permutation p, string platform) => Sboms / $"{p.Id}.{PlatformScanReports.FileSuffix(platform)}.cdx.json";
    public AbsolutePath Sboms => Directory / "sbom";
    public AbsolutePath AllSboms => Sboms / "*.cdx.json";

    /// <summary>Refresh's re-scan: each published platform's Trivy report (unfixed findings too) and the decisions.</summary>
    public AbsolutePath Refresh => Directory / "refresh";
    public AbsolutePath RefreshReport(Permutation p, string platform) => Refresh / $"{p.Id}.{PlatformScanReports.FileSuffix(platform)}.json";
    public AbsolutePath RefreshDecisions => Refresh / "decisions.json";

    /// <summary>The SARIF code scanning gets, one file per permutation and platform (a category each), alone in its folder: the upload takes the folder.</summary>
    public AbsolutePath RefreshSarif => Refresh / "sarif";
    public AbsolutePath RefreshSarifFile(Permutation p, string platform) => RefreshSarif / $"{p.Id}.{PlatformScanReports.FileSuffix(platform)}.sarif";

    public AbsolutePath Provenance(Permutation p) => Directory / "provenance" / $"{p.Id}.slsa.json";
    public AbsolutePath AllProvenance => Directory / "provenance" / "*.slsa.json";

    /// <summary>The last-known-good pin Publish writes and Rollback reads back (a LastKnownGoodPin).</summary>
    public AbsolutePath LastKnownGoodPin => Directory / "lkg.json";

    /// <summary>The public key derived from --cosign-key, written where every verification of the run can read it.</summary>
    public AbsolutePath DerivedPublicKey => Directory / "cosign.pub";

    /// <summary>Retention's plans and reports, one folder per repository it cleans.</summary>
    public AbsolutePath Retention => Directory / "retention";
    public AbsolutePath RetentionReports(string repository) => Retention / repository.Replace(':', '_').Replace('/', '_');

    /// <summary>
    /// What a reused permutation keeps instead of its bytes: the published index and the record naming it, each platform's
    /// SBOM attested with it (and the first one's as the permutation's), and the provenance attested with it.
    /// </summary>
    public IReadOnlyList<AbsolutePath> ReusedEvidence(Permutation p, IReadOnlyList<string> platforms) =>
        [ImageIndex(p), PushedImage(p), Sbom(p), .. platforms.Select(platform => Sbom(p, platform)), Provenance(p)];

    /// <summary>The archive path in an images folder (the bake plan's, whose folder the caller chooses).</summary>
    public static string ArchiveIn(string imagesDirectory, string permutationId) => Path.Combine(imagesDirectory, permutationId + ".tar");
}
