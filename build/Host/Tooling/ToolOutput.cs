namespace Pipeline.Host.Tooling;

/// <summary>What a one-line error quotes from a tool's (or a registry's) output.</summary>
public static class ToolOutput
{
    /// <summary>The last non-blank line, trimmed; "no error output" when there is none.</summary>
    public static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no error output";
}
