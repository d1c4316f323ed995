using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Encodings.Web;

namespace Pipeline.Rules;

/// <summary>One platform's build of a permutation: its layout's index.json and the image index blob it points at.</summary>
public sealed record PlatformPart(string Platform, string Source, byte[] LayoutIndex, byte[] IndexBlob);

/// <summary>
/// What one platform job of a reused permutation left in its folder (<paramref name="Source"/>): the digest of the
/// published index it kept, null when there is none; whether the published image itself stands in for the attested
/// evidence (<paramref name="IsCopy"/>: its archive copy, or its record without kept attestations: it is then scanned);
/// and whether it kept each platform's attested SBOM and the record beside the index.
/// </summary>
public sealed record ReusedPart(string Platform, string Source, string? Digest, bool IsCopy, bool HasSbom);

/// <summary>The merged image index: the blob to add and the layout's new index.json pointing at it.</summary>
public sealed record MergedIndex(string Digest, byte[] IndexBlob, byte[] LayoutIndex, IReadOnlyList<string> DroppedAnnotations);

/// <summary>
/// Pure: N single-platform image indexes (one native runner each) → one multi-platform image index, the same thing
/// Docker's "distribute the build across runners" merge (`imagetools create`) makes, but in the OCI archive, so Scan,
/// Sbom, Manifest and Publish see one index per permutation exactly as from a multi-platform Bake. The platform
/// manifests (and their configs and layers) are not touched, so their digests are those each runner built.
/// </summary>
public static class PlatformMerge
{
    const string IndexMediaType = "application/vnd.oci.image.index.v1+json";
    static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static MergedIndex Compose(string permutationId, IReadOnlyList<PlatformPart> parts)
    {
        if (parts.Count == 0) throw new InvalidOperationException($"No platform archives to merge for {permutationId}; download the per-platform build artifacts first.");
        var manifests = new JsonArray();
        var seen = new HashSet<string>();
        var annotationSets = new List<Dictionary<string, string>>();
        foreach (var part in parts)
        {
            var indexDigest = IndexDigestOf(part.LayoutIndex);
            var info = OciArchive.Describe(part.LayoutIndex, digest => digest == indexDigest ? part.IndexBlob : null, part.Source);
            if (info.Platforms.Count != 1 || info.Platforms[0].Platform != part.Platform)
                throw new InvalidOperationException($"{part.Source} holds {Describe(info.Platforms)}, not only {part.Platform}; each per-platform job must build exactly its own platform (--platforms {part.Platform}).");
            if (!seen.Add(part.Platform))
                throw new InvalidOperationException($"{permutationId} has two archives for {part.Platform}; keep one per platform.");
            var index = JsonNode.Parse(part.IndexBlob)!.AsObject();
            foreach (var manifest in index["manifests"]!.AsArray()) manifests.Add(manifest!.DeepClone());
            annotationSets.Add(info.Annotations.ToDictionary());
        }
        // Index annotations that every platform's build agrees on are kept (source, revision, created...); one that
        // differs (e.g. an input digest over one platform) would describe only part of the index, so it is dropped.
        var common = annotationSets[0].Where(a => annotationSets.All(s => s.TryGetValue(a.Key, out var v) && v == a.Value))
            .OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
        var dropped = annotationSets.SelectMany(s => s.Keys).Distinct().Where(k => common.All(c => c.Key != k)).Order(StringComparer.Ordinal).ToList();
        var merged = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = IndexMediaType,
            ["manifests"] = manifests,
        };
        if (common.Count > 0) merged["annotations"] = new JsonObject(common.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value)));
        var blob = Encoding.UTF8.GetBytes(merged.ToJsonString(Compact));
        var digest = ContentDigest.Sha256(blob);
        var layout = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = IndexMediaType,
            ["manifests"] = new JsonArray(new JsonObject { ["mediaType"] = IndexMediaType, ["digest"] = digest, ["size"] = blob.Length }),
        };
        return new MergedIndex(digest, blob, Encoding.UTF8.GetBytes(layout.ToJsonString(Compact)), dropped);
    }

    /// <summary>
    /// A platform's image that is already in the registry, as a merge part: its index's bytes (as Bake read them back by
    /// digest) and the one-entry layout index an archive would hold for it.
    /// </summary>
    public static PlatformPart PartOfIndex(string platform, string source, byte[] index)
    {
        string mediaType;
        try
        {
            using var document = JsonDocument.Parse(index);
            mediaType = document.RootElement.TryGetProperty("mediaType", out var m) && m.GetString() is { } t ? t : IndexMediaType;
        }
        catch (JsonException e) { throw new InvalidOperationException($"{source}: the image index beside it is not JSON ({e.Message}); re-run its build job."); }
        var layout = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["manifests"] = new JsonArray(new JsonObject { ["mediaType"] = mediaType, ["digest"] = ContentDigest.Sha256(index), ["size"] = index.Length }),
        };
        return new PlatformPart(platform, source, Encoding.UTF8.GetBytes(layout.ToJsonString(Compact)), index);
    }

    /// <summary>
    /// Why a per-platform build job's pushed-image record cannot stand for <paramref name="platform"/> of
    /// <paramref name="permutationId"/> in <paramref name="repository"/> (one line naming the fix), or null when it can.
    /// </summary>
    public static string? PushedImageProblem(PushedImage image, string permutationId, string platform, string repository, string source)
    {
        if (image.Permutation != permutationId)
            return $"{source} records {image.Permutation}, not {permutationId}; download each build job's artifact into its own folder (<id>-<arch>/).";
        if (image.Platforms is not [var only] || only != platform)
            return $"{source} records {(image.Platforms.Count == 0 ? "no platform" : string.Join(" and ", image.Platforms))}, not only {platform}; each per-platform job must build exactly its own platform (--platforms {platform}).";
        if (image.Repository != repository)
            return $"{source} was pushed to {image.Repository}, but this run merges for {repository}; pass MergePlatforms the build jobs' --registry and --image-name.";
        if (!IsDigest(image.Digest))
            return $"{source} names digest '{image.Digest}', not sha256:<64 hex digits>; re-run its build job to push and record the image again.";
        return null;
    }

    /// <summary>
    /// Why the platform jobs' evidence of a reused permutation cannot stand for the published <paramref name="digest"/>
    /// (one line naming the job and the fix), or null when every job kept that image (its index and SBOM, or a copy).
    /// </summary>
    public static string? ReusedEvidenceProblem(string permutationId, string digest, IReadOnlyList<ReusedPart> parts)
    {
        if (parts.Count == 0) return $"No platform artifacts for {permutationId}; download the per-platform build artifacts first.";
        foreach (var part in parts)
        {
            if (part.Digest is null)
                return $"{permutationId} {part.Platform} was reused but {part.Source} holds neither its published index (images/{permutationId}.index.json) nor its archive (images/{permutationId}.tar); upload what its Bake produced and download it to the platform parts folder.";
            if (part.Digest != digest)
                return $"{permutationId} {part.Platform} recorded the reuse of {digest} but {part.Source} holds {part.Digest}; re-run its build job (or the workflow with --force: the repository variable DEVCONTAINER_FORCE=true for one run).";
        }
        return parts.FirstOrDefault(part => !part.IsCopy && !part.HasSbom) is { } bare
            ? $"{permutationId} {bare.Platform} was reused but {bare.Source} holds no attested SBOMs (sbom/{permutationId}.<os>-<arch>.cdx.json) or record (pushed/{permutationId}.json) beside the published index; upload what its Bake produced and download it to the platform parts folder."
            : null;
    }

    /// <summary>The index beside a build job's record is not the image it pushed (the registry or the artifact changed it).</summary>
    public static string? ReadBackProblem(PushedImage image, string readDigest) => readDigest == image.Digest ? null
        : $"{image.Reference}'s index beside its record hashes to {readDigest}; the registry or the artifact changed the image: re-run its build job, and check the registry keeps manifests byte for byte.";

    static bool IsDigest(string digest) =>
        digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.Length == 71 && digest[7..].All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>The digest the layout's single index.json entry points at (the image index each part replaces).</summary>
    public static string IndexDigestOf(byte[] layoutIndex)
    {
        using var document = JsonDocument.Parse(layoutIndex);
        return document.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
    }

    static string Describe(IReadOnlyList<PlatformDigest> platforms) =>
        platforms.Count == 0 ? "no platform" : string.Join(" and ", platforms.Select(p => p.Platform));
}
