using System.Globalization;
using System.Text.Json;

namespace Pipeline.Rules;

/// <summary>What the published image's index annotations say about its freshness and origin.</summary>
/// <param name="Created">org.opencontainers.image.created: the commit time of the build (SOURCE_DATE_EPOCH), not when it ran.</param>
public sealed record PublishedFacts(PackageSnapshot? Snapshot, DateTimeOffset? Created, string? Revision)
{
    public static readonly PublishedFacts None = new(null, null, null);

    /// <summary>
    /// The image's age: since its packages snapshot (the start of its day: packages fetched then or later), else, for an
    /// image published before snapshots, since its created label (the commit time, never later than the build); null
    /// when it records neither.
    /// </summary>
    public TimeSpan? AgeAt(DateTimeOffset now) => (Snapshot?.Since ?? Created) is { } since ? now - since : null;

    public static PublishedFacts Of(string? indexJson)
    {
        if (indexJson is null) return None;
        try
        {
            using var document = JsonDocument.Parse(indexJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("annotations", out var annotations) || annotations.ValueKind != JsonValueKind.Object) return None;
            string? Annotation(string key) => annotations.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var created = DateTimeOffset.TryParse(Annotation(OciMetadata.Prefix + "created"), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var c) ? c : (DateTimeOffset?)null;
            return new PublishedFacts(PackageSnapshot.Parse(Annotation(PackageSnapshot.LabelKey)), created, Annotation(OciMetadata.Prefix + "revision"));
        }
        catch (JsonException) { return None; }
    }
}

/// <summary>Why a permutation's packages snapshot is what it is.</summary>
public enum SnapshotChoice
{
    /// <summary>The published image's: an unchanged rebuild reproduces it, and reuse can keep it.</summary>
    Inherited,
    /// <summary>A first one: nothing published, or an image published before snapshots (its inputs differ anyway).</summary>
    Started,
    /// <summary>Asked for (--refresh: the Refresh target found a fixable finding): today's packages.</summary>
    Refreshed,
    /// <summary>The published image is older than the maximum age: today's packages.</summary>
    TooOld,
}

/// <summary>One permutation's packages snapshot for this run, and why.</summary>
public sealed record PackagesDecision(string PermutationId, PackageSnapshot Snapshot, SnapshotChoice Choice, TimeSpan? PublishedAge, string Reason)
{
    /// <summary>Reuse never keeps the published image: its packages are to be fetched anew.</summary>
    public bool RefusesReuse => Choice is SnapshotChoice.Refreshed or SnapshotChoice.TooOld;

    /// <summary>The line in bake-plan.txt and the log.</summary>
    public override string ToString() => $"{PermutationId}: packages snapshot {Snapshot} ({Reason})";
}

/// <summary>
/// Freshness, pure: an image's age (<see cref="PublishedFacts.AgeAt"/>), whether it is older than the maximum age, and
/// the packages snapshot a build uses: the published image's unless a refresh was asked for or the image is too old,
/// then the next one. Bake decides with it (so reuse never keeps an image past the maximum age), and so does the Refresh target.
/// </summary>
public static class ImageFreshness
{
    public const int DefaultMaxAgeDays = 7;

    /// <summary>Older than the maximum age; with 0 every image is (each run refetches packages).</summary>
    public static bool IsTooOld(TimeSpan? age, int maxAgeDays) => maxAgeDays == 0 || age is null || age.Value > TimeSpan.FromDays(maxAgeDays);

    /// <summary>"8.3 days" (one decimal), for the log and the summary.</summary>
    public static string Describe(TimeSpan? age) => age is { } a ? $"{Math.Max(0, a.TotalDays).ToString("0.0", CultureInfo.InvariantCulture)} days" : "unknown";

    public static PackagesDecision Decide(string permutationId, PublishedImage? published, bool refreshRequested, int maxAgeDays, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var isPublished = published is { Digest: not null, IndexJson: not null, Error: null };
        var facts = isPublished ? PublishedFacts.Of(published!.IndexJson) : PublishedFacts.None;
        var age = isPublished ? facts.AgeAt(now) : null;
        var started = PackageSnapshot.StartedOn(today);
        // Today's packages anew: the snapshot after any a build of today could have used, so the package layer misses the
        // cache. Without a published snapshot that is the one after today's first, which a build of today starts with.
        PackagesDecision Anew(SnapshotChoice choice, string reason) => new(permutationId, (facts.Snapshot ?? started).Next(today), choice, age, reason);
        PackagesDecision Start(string reason) => new(permutationId, started, SnapshotChoice.Started, age, reason);

        if (refreshRequested) return Anew(SnapshotChoice.Refreshed, "refresh requested (--refresh-packages): today's packages");
        if (!isPublished) return Start(published?.Error is { } error ? $"could not read the published image: {error}" : "nothing published yet");
        if (IsTooOld(age, maxAgeDays))
            return Anew(SnapshotChoice.TooOld, $"the published image is {Describe(age)} old, older than the maximum age of {maxAgeDays} days (--max-image-age): today's packages");
        if (facts.Snapshot is null) return Start("the published image records no packages snapshot");
        return new(permutationId, facts.Snapshot, SnapshotChoice.Inherited, age, $"the published image's, {Describe(age)} old");
    }
}
