using System.Text;

namespace Pipeline.Model;

/// <summary>
/// The files of one permutation a manifest entry points at (absolute here, relative in the manifest): no archive for an
/// image in a registry; the permutation's SBOM (the first platform's) and each platform's, by platform.
/// </summary>
public sealed record ManifestFiles(string ArtifactsDirectory, string? Archive, string ScanReport, string Sbom, string Provenance,
    IReadOnlyDictionary<string, string>? PlatformSboms = null)
{
    public string Relative(string path) => Path.GetRelativePath(ArtifactsDirectory, path).Replace('\\', '/');
}

/// <summary>Builds one manifest entry from what the run produced; the only place that maps build outputs to manifest.json.</summary>
public static class ManifestEntry
{
    public static ManifestPermutation Create(string id, string repository, ManifestFiles files, OciArchiveInfo archive, IReadOnlyList<ImageTag> tags,
        BaseImage? baseImage, ScanResult scan, string scanConfigDigest) => new(
        id,
        repository,
        files.Archive is null ? null : new ArchiveFile(files.Relative(files.Archive), ContentDigest.Sha256Hex(files.Archive)),
        archive.IndexDigest,
        archive.Platforms.Select(p => files.PlatformSboms?.GetValueOrDefault(p.Platform) is { } sbom
            ? p with { Sbom = new DigestedFile(files.Relative(sbom), ContentDigest.Sha256(sbom)) } : p).ToList(),
        tags.Select(t => new ManifestTag(t.Reference, t.IsMutable)).ToList(),
        baseImage,
        new DigestedFile(files.Relative(files.Sbom), ContentDigest.Sha256(files.Sbom)),
        new DigestedFile(files.Relative(files.Provenance), ContentDigest.Sha256(files.Provenance)),
        new ScanSummary(new DigestedFile(files.Relative(files.ScanReport), ContentDigest.Sha256(files.ScanReport)), scan.Verdict, scan.FailOn, scan.Counts,
            scan.TrivyVersion, scanConfigDigest));

    /// <summary>A readable summary of what the manifest says will be published (log and --plan friendly).</summary>
    public static string Describe(ReleaseManifest manifest)
    {
        var text = new StringBuilder();
        text.AppendLine($"sha={manifest.Sha} ref={manifest.Ref} event={manifest.Event}");
        foreach (var p in manifest.Permutations)
        {
            text.AppendLine($"{p.Id}: {p.DigestReference}  scan={p.Scan.Verdict}");
            foreach (var platform in p.Platforms) text.AppendLine($"  {platform.Platform,-14} {platform.Digest}");
            text.AppendLine(p.Tags.Count == 0 ? "  tags: none" : "  tags: " + string.Join(", ", p.Tags.Select(t => t.Reference + (t.Mutable ? " (mutable)" : ""))));
        }
        return text.ToString();
    }
}
