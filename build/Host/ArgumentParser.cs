using System.Text.RegularExpressions;

namespace Pipeline.Host;

/// <summary>
/// NUKE's command-line grammar: positional tokens before the first '-' token are targets; a '-' token is a
/// parameter whose values run to the next '-' token; names match with dashes removed, case-insensitively;
/// the last occurrence wins.
/// </summary>
internal sealed class ParsedArguments
{
    public List<string> PositionalTargets { get; } = [];
    /// <summary>Normalised parameter name → values (empty for a bare flag).</summary>
    public Dictionary<string, string[]> Parameters { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Normalised name → the spelling the user typed, for error messages.</summary>
    public Dictionary<string, string> Spellings { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static ParsedArguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new ParsedArguments();
        string? current = null;
        var values = new List<string>();
        void Flush()
        {
            if (current is not null) parsed.Parameters[current] = [.. values];
            values.Clear();
        }
        foreach (var arg in args)
        {
            if (arg.StartsWith('-') && arg.Length > 1 && !double.TryParse(arg, out _))
            {
                Flush();
                current = Normalize(arg);
                parsed.Spellings[current] = arg;
            }
            else if (current is null)
                parsed.PositionalTargets.AddRange(arg.Split('+', StringSplitOptions.RemoveEmptyEntries));
            else
                values.Add(arg);
        }
        Flush();
        return parsed;
    }

    /// <summary>'--no-logo', '-NoLogo' and 'nologo' all become 'nologo'.</summary>
    public static string Normalize(string name) => name.Replace("-", "").Replace("_", "").ToLowerInvariant();

    /// <summary>PascalCase → kebab-case, keeping words such as GitHub and NuGet whole.</summary>
    public static string ToKebabCase(string name)
    {
        var protectedWords = name.Replace("GitHub", "Github").Replace("NuGet", "Nuget");
        return Regex.Replace(protectedWords, "(?<=[a-z0-9])(?=[A-Z])", "-").ToLowerInvariant();
    }
}
