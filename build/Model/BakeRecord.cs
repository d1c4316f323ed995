namespace Pipeline.Model;

/// <summary>
/// What one Bake ran (artifacts/bake-plan.json, the machine-readable bake-plan.txt): the commit, and per permutation its
/// platforms, tags, input digest, the images it used and the override each platform was built with. Manifest and the
/// provenance are written from it, so a later job (CI's merge job) describes what the build jobs ran, never a plan of
/// its own.
/// </summary>
public sealed record BakeRecord(
    int SchemaVersion,
    string Sha,
    string Ref,
    string EventName,
    long SourceDateEpoch,
    // The provenance's source: the remote's URL, or a git+file URI without one (BuildContext.SourceUri).
    string SourceUrl,
    string ImageRepository,
    string BakeFile,
    string BakeFileDigest,
    IReadOnlyList<PermutationRecord> Permutations,
    // Built from a work tree with uncommitted changes (BuildContext.Dirty); absent in older records: false.
    bool Dirty = false)
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>Pure: the record of a plan Bake runs with this bake file and override.</summary>
    public static BakeRecord Of(BakePlan plan, string bakeFile, string bakeFileDigest, string overrideDigest) => new(
        CurrentSchemaVersion, plan.Context.Sha, plan.Context.Ref, plan.Context.EventName, plan.Context.SourceDateEpoch, plan.Context.SourceUri, plan.ImageRepository,
        bakeFile, bakeFileDigest,
        plan.Permutations.Select(p => new PermutationRecord(
            p.Id, p.Platforms, p.Tags, p.Labels.GetValueOrDefault(InputDigest.LabelKey), p.BaseImage, p.Images.External,
            p.Platforms.Select(platform => new PlatformOverride(platform, overrideDigest)).ToList(), p.IsReused ? p.Reuse!.ReusedDigest : null)).ToList(),
        plan.Context.Dirty);

    /// <summary>The permutation's record; one line naming the fix when this record does not hold it.</summary>
    public PermutationRecord For(string permutationId, string source) =>
        Permutations.FirstOrDefault(p => p.Id == permutationId)
        ?? throw new InvalidOperationException($"{source} records {string.Join(", ", Permutations.Select(p => p.Id))}, not {permutationId}; run Bake for {permutationId} (drop it from --skip) or select the permutations it built.");
}

/// <summary>One permutation as Bake ran it (built, or reused: the published digest it kept).</summary>
public sealed record PermutationRecord(
    string Id,
    IReadOnlyList<string> Platforms,
    IReadOnlyList<ImageTag> Tags,
    string? InputDigest,
    BaseImage? BaseImage,
    IReadOnlyList<ResolvedImage> Images,
    IReadOnlyList<PlatformOverride> Overrides,
    string? ReusedDigest)
{
    /// <summary>Bake kept the registry's image (unchanged inputs) instead of building it.</summary>
    public bool Reused => ReusedDigest is not null;
}

/// <summary>The digest of the bake override one platform was built with (per-platform jobs each write their own).</summary>
public sealed record PlatformOverride(string Platform, string Digest);

/// <summary>Reads and writes bake-plan.json (<see cref="RecordFile"/>).</summary>
public static class BakeRecordStore
{
    public static string Serialize(BakeRecord record) => RecordFile.Serialize(record);

    public static void Write(string path, BakeRecord record) => RecordFile.Write(path, record);

    public static BakeRecord Read(string path)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"{path} does not exist; it is written by Bake (or MergePlatforms from the build jobs' records): run Bake first.");
        return Parse(File.ReadAllText(path), path);
    }

    public static BakeRecord Parse(string json, string source) => RecordFile.Parse<BakeRecord>(json, source, "a bake record", BakeRecord.CurrentSchemaVersion,
        r => r.SchemaVersion, r => r.Permutations is null || r.Sha is null ? "no sha or permutations" : null, "re-run Bake");
}
