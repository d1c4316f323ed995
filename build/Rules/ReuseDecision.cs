using System.Text.Json;

namespace Pipeline.Rules;

public enum ReuseVerdict { Build, Reuse }

/// <summary>What a run does with one permutation: build it, or reuse the published image whose inputs are identical.</summary>
public sealed record PermutationReuse(string Id, string InputDigest, ReuseVerdict Verdict, string? ReusedDigest, string Reason)
{
    public bool Reuses => Verdict == ReuseVerdict.Reuse;

    /// <summary>The line in bake-plan.txt and the log, e.g. <c>gcc15-clang20: reuse sha256:… (inputs unchanged; …)</c>.</summary>
    public override string ToString() => Reuses
        ? $"{Id}: reuse {ReusedDigest} (inputs unchanged; {Reason})   inputs {InputDigest}"
        : $"{Id}: build ({Reason})   inputs {InputDigest}";
}

/// <summary>What the registry answered for the one reference a permutation's reuse looks at.</summary>
/// <param name="Digest">The manifest digest the reference resolves to; null when the registry has no such tag.</param>
/// <param name="IndexJson">The raw image index (its annotations carry the input digest it was built from).</param>
/// <param name="Error">Set when the registry could not be read; the permutation is then built.</param>
public sealed record PublishedImage(string Reference, string? Digest, string? IndexJson, string? Error = null);

/// <summary>
/// Decides per permutation whether to build or reuse, with ONE registry read: the default branch's mutable tag
/// <c>&lt;repo&gt;:&lt;id&gt;</c> (the latest published build of the permutation; only a Publish that pushed, signed,
/// attested and verified an image moves it). Its index annotation <see cref="InputDigest.LabelKey"/> says which inputs
/// it was built from; equal to this run's input digest → reuse that digest: no build, no push, only new tags.
/// <c>--force</c> always builds, and so does a permutation whose packages are to be fetched anew (<see cref="ImageFreshness"/>:
/// a refresh, or an image older than the maximum age): reuse never keeps an image past that age. Pure: the registry read
/// happens at the edge (Build.Skip.cs).
/// </summary>
public static class ReuseDecision
{
    /// <summary>The reference whose image may be reused: what the tag policy names the default branch's mutable tag.</summary>
    public static string CandidateReference(BuildContext context, string imageRepository, string permutationId) =>
        TagPolicy.TagsFor(context with { Mode = BuildMode.DefaultBranch }, imageRepository, permutationId).First(t => t.IsMutable).Reference;

    public static PermutationReuse Decide(string permutationId, string inputDigest, bool force, PublishedImage? published, PackagesDecision? packages = null)
    {
        PermutationReuse Build(string reason) => new(permutationId, inputDigest, ReuseVerdict.Build, null, reason);
        if (force) return Build("--force");
        if (packages is { RefusesReuse: true }) return Build($"reuse refused: {packages.Reason}, snapshot {packages.Snapshot}");
        if (published is null) return Build("no registry read");
        if (published.Error is not null) return Build($"could not read {published.Reference}: {published.Error}");
        if (published.Digest is null || published.IndexJson is null) return Build($"nothing published at {published.Reference}");
        var previous = InputDigestOf(published.IndexJson);
        if (previous is null) return Build($"{published.Reference} records no input digest");
        if (previous != inputDigest) return Build($"inputs changed since {published.Reference} ({previous})");
        return new(permutationId, inputDigest, ReuseVerdict.Reuse, published.Digest, $"{published.Reference}");
    }

    /// <summary>The input digest annotation of an image index (null when absent or not an index).</summary>
    public static string? InputDigestOf(string indexJson)
    {
        try
        {
            using var document = JsonDocument.Parse(indexJson);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object
                && annotations.TryGetProperty(InputDigest.LabelKey, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString() : null;
        }
        catch (JsonException) { return null; }
    }
}
