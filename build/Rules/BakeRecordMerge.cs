namespace Pipeline.Rules;

/// <summary>One per-platform build job's record of one permutation, and where it was read from (for error lines).</summary>
public sealed record PlatformRecord(string PermutationId, string Platform, string Source, BakeRecord Record);

/// <summary>
/// Pure: the per-platform build jobs' bake records → one record per permutation, as if one Bake had built every
/// platform, keeping each platform's own override digest. It refuses jobs that did not build the same thing (another
/// commit, bake file, tag set or base image), since one index and one provenance would then describe two builds.
/// A permutation whose every platform job reused the same published image (unchanged inputs) stays reused; one
/// platform reused and another built (or two published images) is refused: they cannot make one index.
/// </summary>
public static class BakeRecordMerge
{
    public static BakeRecord Combine(IReadOnlyList<PlatformRecord> parts)
    {
        if (parts.Count == 0) throw new InvalidOperationException("No build records to merge; download the per-platform build artifacts first.");
        var first = parts[0].Record;
        foreach (var part in parts)
        {
            Same(part, "commit", first.Sha, part.Record.Sha);
            Same(part, "ref", first.Ref, part.Record.Ref);
            Same(part, "event", first.EventName, part.Record.EventName);
            Same(part, "image repository", first.ImageRepository, part.Record.ImageRepository);
            Same(part, "bake file", $"{first.BakeFile} {first.BakeFileDigest}", $"{part.Record.BakeFile} {part.Record.BakeFileDigest}");
            Same(part, "work tree", Tree(first.Dirty), Tree(part.Record.Dirty));
        }
        var permutations = parts.GroupBy(p => p.PermutationId).Select(Permutation).ToList();
        return first with { Permutations = permutations };
    }

    static string Tree(bool dirty) => dirty ? "uncommitted changes" : "clean";

    static PermutationRecord Permutation(IGrouping<string, PlatformRecord> platforms)
    {
        var records = platforms.Select(part => (part, Record: OnlyPlatform(part))).ToList();
        var (firstPart, first) = records[0];
        foreach (var (part, record) in records)
        {
            Same(part, "tags", Describe(first.Tags.Select(t => t.ToString())), Describe(record.Tags.Select(t => t.ToString())), firstPart);
            Same(part, "base image", first.BaseImage?.Pinned ?? "none", record.BaseImage?.Pinned ?? "none", firstPart);
            Same(part, "images", Describe(first.Images.Select(i => i.Pinned)), Describe(record.Images.Select(i => i.Pinned)), firstPart);
        }
        RefuseMixedReuse(records);
        var duplicate = records.GroupBy(r => r.part.Platform).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"{platforms.Key} has two build records for {duplicate.Key}; keep one per platform.");
        // A --per-platform-job digest covers the permutation's platforms, so the jobs agree; a plain --platforms build's
        // covers its own platform only, and then the permutation has none.
        var inputDigest = records.Select(r => r.Record.InputDigest).Distinct().Count() == 1 ? first.InputDigest : null;
        return first with
        {
            Platforms = records.Select(r => r.part.Platform).ToList(),
            InputDigest = inputDigest,
            Overrides = records.SelectMany(r => r.Record.Overrides).ToList(),
        };
    }

    /// <summary>Every platform job reused the same published image, or none did.</summary>
    static void RefuseMixedReuse(IReadOnlyList<(PlatformRecord Part, PermutationRecord Record)> records)
    {
        if (records.FirstOrDefault(r => r.Record.Reused) is not { Part: not null } reused) return;
        if (records.FirstOrDefault(r => !r.Record.Reused) is { Part: not null } built)
            throw new InvalidOperationException($"{reused.Part.PermutationId}: the {reused.Part.Platform} job reused the published {reused.Record.ReusedDigest} ({reused.Part.Source}) but the {built.Part.Platform} job built its platform ({built.Part.Source}); one index cannot join both: re-run all the workflow's jobs (every platform then reads the same published image), or build with --force so every platform builds (in CI: the repository variable DEVCONTAINER_FORCE=true for one run).");
        if (records.FirstOrDefault(r => r.Record.ReusedDigest != reused.Record.ReusedDigest) is { Part: not null } other)
            throw new InvalidOperationException($"{reused.Part.PermutationId}: the {reused.Part.Platform} job reused {reused.Record.ReusedDigest} but the {other.Part.Platform} job reused {other.Record.ReusedDigest} (the published image moved between them); re-run all the workflow's jobs, or build with --force so every platform builds (in CI: the repository variable DEVCONTAINER_FORCE=true for one run).");
    }

    /// <summary>The part's permutation, which its job must have built for exactly its platform.</summary>
    static PermutationRecord OnlyPlatform(PlatformRecord part)
    {
        var record = part.Record.For(part.PermutationId, part.Source);
        if (record.Platforms is not [var only] || only != part.Platform)
            throw new InvalidOperationException($"{part.Source} records {part.PermutationId} built for {Describe(record.Platforms)}, not only {part.Platform}; each per-platform job must build exactly its own platform (--platforms {part.Platform}).");
        return record;
    }

    static void Same(PlatformRecord part, string what, string expected, string actual, PlatformRecord? reference = null)
    {
        if (expected == actual) return;
        throw new InvalidOperationException($"{part.PermutationId}: the {part.Platform} build ran {what} {actual} but {(reference is null ? "another build job" : reference.Platform)} ran {expected}; re-run the workflow so every platform builds the same inputs.");
    }

    static string Describe(IEnumerable<string> values) => values.Any() ? string.Join(", ", values) : "none";
}
