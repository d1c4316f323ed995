using System.Text.Json;
using System.Text.Json.Serialization;

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
    string SourceUrl,
    string ImageRepository,
    string BakeFile,
    string BakeFileDigest,
    IReadOnlyList<PermutationRecord> Permutations)
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>Pure: the record of a plan Bake runs with this bake file and override.</summary>
    public static BakeRecord Of(BakePlan plan, string bakeFile, string bakeFileDigest, string overrideDigest) => new(
        CurrentSchemaVersion, plan.Context.Sha, plan.Context.Ref, plan.Context.EventName, plan.Context.SourceDateEpoch, plan.Context.SourceUrl, plan.ImageRepository,
        bakeFile, bakeFileDigest,
        plan.Permutations.Select(p => new PermutationRecord(
            p.Id, p.Platforms, p.Tags, p.Labels.GetValueOrDefault(InputDigest.LabelKey), p.BaseImage, p.Images.External,
            p.Platforms.Select(platform => new PlatformOverride(platform, overrideDigest)).ToList(), p.IsReused ? p.Reuse!.ReusedDigest : null)).ToList());

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

/// <summary>Reads and writes bake-plan.json; a file that is not a record of this schema is refused with one line.</summary>
public static class BakeRecordStore
{
    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        IgnoreReadOnlyProperties = true, // derived properties (ImageTag.Tag, ResolvedImage.Pinned...) are not data
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Serialize(BakeRecord record) => JsonSerializer.Serialize(record, Options).Replace("\r\n", "\n") + "\n";

    public static void Write(string path, BakeRecord record)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, Serialize(record));
    }

    public static BakeRecord Read(string path)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"{path} does not exist; it is written by Bake (or MergePlatforms from the build jobs' records): run Bake first.");
        return Parse(File.ReadAllText(path), path);
    }

    public static BakeRecord Parse(string json, string source)
    {
        BakeRecord? record;
        try { record = JsonSerializer.Deserialize<BakeRecord>(json, Options); }
        catch (JsonException e) { throw new InvalidOperationException($"{source} is not a bake record ({e.Message.Split('\n')[0]}); re-run Bake to write it again."); }
        if (record is null || record.Permutations is null || record.Sha is null)
            throw new InvalidOperationException($"{source} is not a bake record (no sha or permutations); re-run Bake to write it again.");
        if (record.SchemaVersion != BakeRecord.CurrentSchemaVersion)
            throw new InvalidOperationException($"{source} is a bake record of schema {record.SchemaVersion}, this build reads {BakeRecord.CurrentSchemaVersion}; re-run Bake with this build.");
        return record;
    }
}
