using System.Text.RegularExpressions;

namespace Pipeline.Host;

/// <summary>
/// NUKE's command-line grammar: positional tokens before the first '-' token are targets; a '-' token is a
/// parameter whose values run to the next '-' token; names match with dashes removed, case-insensitively;
/// the last occurrence wins. A boolean flag takes at most one true/false value, so in `--plan Publish` the
/// word after the flag is still a target.
/// </summary>
internal sealed class ParsedArguments
{
    public List<string> PositionalTargets { get; } = [];
    /// <summary>Normalised parameter name → values (empty for a bare flag).</summary>
    public Dictionary<string, string[]> Parameters { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Normalised name → the spelling the user typed, for error messages.</summary>
    public Dictionary<string, string> Spellings { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="isBooleanFlag">Whether a normalised parameter name is a bool parameter.</param>
    public static ParsedArguments Parse(IReadOnlyList<string> args, Func<string, bool>? isBooleanFlag = null)
    {
        var parsed = new ParsedArguments();
        string? current = null;
        var values = new List<string>();
        void Flush()
        {
            if (current is not null && isBooleanFlag?.Invoke(current) == true)
            {
                var takesValue = values.Count > 0 && bool.TryParse(values[0], out _);
                parsed.PositionalTargets.AddRange(values.Skip(takesValue ? 1 : 0).SelectMany(SplitTargets));
                values.RemoveRange(takesValue ? 1 : 0, values.Count - (takesValue ? 1 : 0));
            }
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
                parsed.PositionalTargets.AddRange(SplitTargets(arg));
            else
                values.Add(arg);
        }
        Flush();
        return parsed;
    }

    private static string[] SplitTargets(string token) => token.Split('+', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Letters and digits only, lower case: '--no-logo', '-NoLogo' and 'NO_LOGO' all become 'nologo'.</summary>
    public static string Normalize(string name) => string.Concat(name.Where(char.IsLetterOrDigit)).ToLowerInvariant();

    /// <summary>PascalCase → kebab-case, keeping words such as GitHub and NuGet whole.</summary>
    public static string ToKebabCase(string name)
    {
        var protectedWords = name.Replace("GitHub", "Github").Replace("NuGet", "Nuget");
        return Regex.Replace(protectedWords, "(?<=[a-z0-9])(?=[A-Z])", "-").ToLowerInvariant();
    }
}
