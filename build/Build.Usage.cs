using Serilog;

/// <summary>After Publish, what to do with it: the image by digest and the devcontainer.json line, in the log and the step summary.</summary>
partial class Build
{
    void AnnounceUse(IReadOnlyList<ManifestPermutation> published, bool mutableTagsMoved)
    {
        if (UsageHint.Lines(published, mutableTagsMoved) is not { Count: > 0 } lines) return;
        Log.Information("{Next:l}", string.Join("\n", lines));
        WriteStepSummary(UsageHint.Markdown(published));
    }
}
