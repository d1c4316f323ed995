using System.Text.RegularExpressions;

namespace Pipeline.Rules;

/// <summary>One permutation on one platform whose smoke tests failed.</summary>
public sealed record ValidateFailure(string PermutationId, string Platform, IReadOnlyList<string> Reasons)
{
    public override string ToString() =>
        $"{PermutationId} on {Platform}" + (Reasons.Count == 0 ? "" : $" ({string.Join("; ", Reasons)})");
}

/// <summary>Turns buildx's plain progress output of a failed validate run into the reasons worth one line.</summary>
public static partial class ValidateReport
{
    // Plain progress prefixes step output with "#<step> <seconds> ".
    [GeneratedRegex(@"^#\d+ \d+\.\d+ ")]
    private static partial Regex StepPrefix();

    /// <summary>Lines the smoke tests print as <c>FAIL …</c> (devcontainer/tests/) or <c>SMOKE TEST FAILED …</c> (the test fixture), else buildx's own ERROR line.</summary>
    public static IReadOnlyList<string> Reasons(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(l => StepPrefix().Replace(l, "")).ToList();
        var failures = lines.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal) || l.StartsWith("SMOKE TEST FAILED", StringComparison.Ordinal)).Distinct().ToList();
        if (failures.Count > 0) return failures;
        return lines.Where(l => l.StartsWith("ERROR:", StringComparison.Ordinal)).Take(1).ToList();
    }

    public static string Summarize(IReadOnlyList<ValidateFailure> failures) =>
        $"Smoke tests failed for {string.Join(" and ", failures)}; fix the image or its tests, then re-run ./build.sh Validate.";
}
