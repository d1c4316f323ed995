namespace Pipeline.Rules;

/// <summary>
/// How one block (a table, a warning, a code block) is added to a step summary (GITHUB_STEP_SUMMARY, artifacts/summary.md):
/// a blank line before it when the file already has a block, so two warnings' <c>&gt;</c> lines stay two quotes instead of
/// rendering as one paragraph, and exactly one newline at its end, so the file ends with one.
/// </summary>
public static class StepSummary
{
    /// <param name="follows">The file already holds a block.</param>
    public static string Block(string markdown, bool follows) => (follows ? "\n" : "") + markdown.TrimEnd('\n', '\r') + "\n";
}
