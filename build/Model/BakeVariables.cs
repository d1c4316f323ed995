using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pipeline.Model;

/// <summary>
/// Which bake variable sets an image a Dockerfile pulls, found by asking bake rather than by parsing HCL: bake's
/// <c>--print</c> runs with every declared variable set (in its environment, as a user would) to a marker naming it, and
/// the image reference the FROM chain then expands to carries the markers of the variables it comes from.
/// </summary>
public static partial class BakeVariables
{
    [GeneratedRegex("""(?m)^\s*variable\s+"([A-Za-z_][A-Za-z0-9_-]*)"\s*\{""")]
    private static partial Regex HclVariable();

    /// <summary>Pure: the variables a bake file declares (<c>variable "NAME" {</c> in HCL, the <c>variable</c> object in JSON).</summary>
    public static IReadOnlyList<string> Declared(string bakeFileText, string bakeFileName)
    {
        if (bakeFileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var document = JsonDocument.Parse(bakeFileText);
                return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("variable", out var variables)
                    && variables.ValueKind == JsonValueKind.Object ? variables.EnumerateObject().Select(v => v.Name).ToList() : [];
            }
            catch (JsonException) { return []; }
        }
        return HclVariable().Matches(bakeFileText).Select(m => m.Groups[1].Value).Distinct().ToList();
    }

    /// <summary>The value the probe gives a variable: text no real reference holds, naming the variable.</summary>
    public static string Marker(string variable) => $"@@bake-variable-{variable}@@";

    /// <summary>Pure: the variables whose markers a reference expanded from the probe's args holds.</summary>
    public static IReadOnlyList<string> Feeding(string probedReference, IEnumerable<string> variables) =>
        variables.Where(v => probedReference.Contains(Marker(v), StringComparison.Ordinal)).ToList();
}
