using System.Text.RegularExpressions;

namespace Pipeline.Rules;

/// <summary>
/// Cache exports run with <c>ignore-error=true</c> (a failed export must not fail hours of build), so BuildKit only
/// prints them: a step <c>#N exporting cache to registry</c> followed by <c>#N ERROR: ...</c> in bake's plain progress.
/// This finds those errors so Bake can report them (log warning and step summary) instead of letting them pass silently.
/// </summary>
public static partial class CacheExportReport
{
    public static IReadOnlyList<string> Failures(string bakeOutput)
    {
        var exportSteps = new HashSet<string>();
        var failures = new List<string>();
        foreach (var line in bakeOutput.Split('\n'))
        {
            if (ExportStep().Match(line) is { Success: true } export) exportSteps.Add(export.Groups["step"].Value);
            else if (StepError().Match(line) is { Success: true } error && exportSteps.Contains(error.Groups["step"].Value))
                failures.Add(error.Groups["message"].Value.Trim());
        }
        return failures.Distinct().ToList();
    }

    [GeneratedRegex(@"^#(?<step>\d+) exporting cache to ")]
    private static partial Regex ExportStep();

    [GeneratedRegex(@"^#(?<step>\d+) ERROR: (?<message>.*)$")]
    private static partial Regex StepError();
}
