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

    /// <summary>The permutation's OCI archive (every platform in one image index).</summary>
    public AbsolutePath Archive(Permutation p) => AbsolutePath.Create(ArchiveIn(Images, p.Id));

    /// <summary>Where a reused permutation keeps its published image index (instead of the image's archive).</summary>
    public AbsolutePath PublishedIndex(Permutation p) => Images / $"{p.Id}.index.json";

    /// <summary>Where Bake records the image it pushed by digest instead of keeping an archive (--image-output push-by-digest).</summary>
    public AbsolutePath PushedImage(Permutation p) => PushedImages / $"{p.Id}.json";
    public AbsolutePath PushedImages => Directory / "pushed";

    /// <summary>The permutation's scan report (the manifest's: every platform's findings merged).</summary>
    public AbsolutePath ScanReport(Permutation p) => Directory / "scan" / $"{p.Id}.json";
    public AbsolutePath ScanReport(Permutation p, string platform) => Directory / "scan" / $"{p.Id}.{PlatformScanReports.FileSuffix(platform)}.json";

    /// <summary>The permutation's SBOM (the manifest's and the attested one: the first platform's).</summary>
    public AbsolutePath Sbom(Permutation p) => Directory / "sbom" / $"{p.Id}.cdx.json";
    public AbsolutePath Sbom(Permutation p, string platform) => Directory / "sbom" / $"{p.Id}.{PlatformScanReports.FileSuffix(platform)}.cdx.json";

    public AbsolutePath Provenance(Permutation p) => Directory / "provenance" / $"{p.Id}.slsa.json";

    /// <summary>What a reused permutation keeps instead of its archive: the published index, and the SBOM and provenance attested with it.</summary>
    public IReadOnlyList<AbsolutePath> ReusedEvidence(Permutation p) => [PublishedIndex(p), Sbom(p), Provenance(p)];

    /// <summary>The archive path in an images folder (the bake plan's, whose folder the caller chooses).</summary>
    public static string ArchiveIn(string imagesDirectory, string permutationId) => Path.Combine(imagesDirectory, permutationId + ".tar");
}
