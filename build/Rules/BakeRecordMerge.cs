namespace Pipeline.Rules;

/// <summary>One per-platform build job's record of one permutation, and where it was read from (for error lines).</summary>
public sealed record PlatformRecord(string PermutationId, string Platform, string Source, BakeRecord Record);

/// <summary>
/// Pure: the per-platform build jobs' bake records → one record per permutation, as if one Bake had built every
/// platform, keeping each platform's own override digest. It refuses jobs that did not build the same thing (another
/// commit, bake file, tag set or base image), since one index and one provenance would then describe two builds.
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
        }
        var permutations = parts.GroupBy(p => p.PermutationId).Select(Permutation).ToList();
        return first with { Permutations = permutations };
    }

    static PermutationRecord Permutation(IGrouping<string, PlatformRecord> platforms)
    {
        var records = platforms.Select(part => (part, Record: OnlyPlatform(part))).ToList();
        var (firstPart, first) = records[0];
        foreach (var (part, record) in records)
        {
            Same(part, "tags", Describe(first.Tags.Select(t => t.ToString())), Describe(record.Tags.Select(t => t.ToString())), firstPart);
            Same(part, "base image", first.BaseImage?.Pinned ?? "none", record.BaseImage?.Pinned ?? "none", firstPart);
            Same(part, "images", Describe(first.Images.Select(i => i.Pinned)), Describe(record.Images.Select(i => i.Pinned)), firstPart);
            if (record.Reused)
                throw new InvalidOperationException($"{part.PermutationId} {part.Platform} was reused, not built ({part.Source}); a per-platform build must build its platform: re-run the workflow with --force.");
        }
        var duplicate = records.GroupBy(r => r.part.Platform).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"{platforms.Key} has two build records for {duplicate.Key}; keep one per platform.");
        // Each platform's input digest covers that platform only; the permutation has one only when they agree.
        var inputDigest = records.Select(r => r.Record.InputDigest).Distinct().Count() == 1 ? first.InputDigest : null;
        return first with
        {
            Platforms = records.Select(r => r.part.Platform).ToList(),
            InputDigest = inputDigest,
            Overrides = records.SelectMany(r => r.Record.Overrides).ToList(),
        };
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
