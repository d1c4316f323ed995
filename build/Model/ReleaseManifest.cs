using System.Text.Json.Serialization;

namespace Pipeline.Model;

/// <summary>
/// manifest.json: the single source of what a run publishes (schema: build/Schemas/manifest.v1.schema.json).
/// Publish and Rollback read nothing else. Paths are relative to the manifest's own directory so a manifest
/// downloaded together with its artifacts works anywhere.
/// </summary>
public sealed record ReleaseManifest(
    int SchemaVersion,
    string Sha,
    string Ref,
    string Event,
    DateTimeOffset Created,
    IReadOnlyList<ManifestPermutation> Permutations,
    // Built from a work tree with uncommitted changes: not the commit Sha names. Written only when true (older manifests
    // have none); Publish refuses such a manifest unless --allow-dirty, and it has no tags.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Dirty = false)
{
    public const int CurrentSchemaVersion = 1;
}

public sealed record ManifestPermutation(
    string Id,
    string Repository,
    // Null for an image reused without its bytes (already published: Publish pushes nothing, it verifies and tags).
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ArchiveFile? Archive,
    string Digest,
    IReadOnlyList<PlatformDigest> Platforms,
    IReadOnlyList<ManifestTag> Tags,
    // Null for an image built FROM scratch (no base image).
    BaseImage? BaseImage,
    DigestedFile Sbom,
    DigestedFile Provenance,
    ScanSummary Scan,
    // Optional since schema v1 gained it (older v1 manifests have none): see InputDigest; equal digests mean identical build inputs.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? InputDigest = null)
{
    /// <summary>The pushed image index, addressed by digest: what gets signed, attested and tagged.</summary>
    [JsonIgnore] public string DigestReference => $"{Repository}@{Digest}";
}

public sealed record ArchiveFile(string Path, string Sha256);

public sealed record DigestedFile(string Path, string Digest);

public sealed record ManifestTag(string Reference, bool Mutable);

public sealed record ScanSummary(
    DigestedFile Report,
    string Verdict,
    IReadOnlyList<string> FailOn,
    SeverityCounts Counts,
    string TrivyVersion,
    string ConfigDigest)
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    [JsonIgnore] public bool Passed => Verdict == Pass;
}

public sealed record SeverityCounts(
    [property: JsonPropertyName("CRITICAL")] int Critical,
    [property: JsonPropertyName("HIGH")] int High,
    [property: JsonPropertyName("MEDIUM")] int Medium,
    [property: JsonPropertyName("LOW")] int Low,
    [property: JsonPropertyName("UNKNOWN")] int Unknown)
{
    public static readonly IReadOnlyList<string> Severities = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];

    public int this[string severity] => severity.ToUpperInvariant() switch
    {
        "CRITICAL" => Critical,
        "HIGH" => High,
        "MEDIUM" => Medium,
        "LOW" => Low,
        _ => Unknown,
    };
}
