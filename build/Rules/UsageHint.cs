namespace Pipeline.Rules;

/// <summary>
/// The closing "next" of a Publish: each published image by digest (what was signed and attested) and the
/// devcontainer.json line that uses it; the mutable tag when this run moved it, for a project that follows updates. Pure.
/// </summary>
public static class UsageHint
{
    public static IReadOnlyList<string> Lines(IReadOnlyList<ManifestPermutation> published, bool mutableTagsMoved)
    {
        if (published.Count == 0) return [];
        var lines = new List<string> { "Next: use an image by digest in a project's .devcontainer/devcontainer.json (it is what was signed and attested):" };
        foreach (var entry in published)
        {
            lines.Add($"  {entry.Id}: \"image\": \"{entry.DigestReference}\"");
            if (mutableTagsMoved && entry.Tags.FirstOrDefault(t => t.Mutable) is { } tag)
                lines.Add($"  {new string(' ', entry.Id.Length)}  or, to follow its updates: \"image\": \"{tag.Reference}\"");
        }
        return lines;
    }

    /// <summary>The same for the step summary (GITHUB_STEP_SUMMARY, artifacts/summary.md): one JSON block per image.</summary>
    public static string Markdown(IReadOnlyList<ManifestPermutation> published) =>
        published.Count == 0 ? "" : "## Use it\n\n" + string.Concat(published.Select(entry =>
            $"`{entry.Id}` in `.devcontainer/devcontainer.json`:\n\n```json\n{{ \"image\": \"{entry.DigestReference}\" }}\n```\n\n"));
}
