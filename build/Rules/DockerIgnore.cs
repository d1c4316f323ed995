using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Rules;

/// <summary>
/// The common subset of <c>.dockerignore</c>: one pattern a line, <c>#</c> comments, <c>*</c> / <c>?</c> within a path
/// segment, <c>**</c> across segments, <c>!</c> re-includes, the last matching line wins, and a pattern that matches
/// a directory excludes everything below it. Used so the input digest hashes what docker sends as the context.
/// </summary>
public sealed class DockerIgnore
{
    readonly IReadOnlyList<(Regex Pattern, bool Include)> _rules;

    DockerIgnore(IReadOnlyList<(Regex, bool)> rules) => _rules = rules;

    public static readonly DockerIgnore None = new([]);

    public static DockerIgnore Parse(string text)
    {
        var rules = new List<(Regex, bool)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var include = line.StartsWith('!');
            var pattern = InputDigest.Normalise(include ? line[1..].Trim() : line).TrimEnd('/');
            if (pattern.Length == 0) continue;
            rules.Add((new Regex("^" + ToRegex(pattern) + "(/.*)?$", RegexOptions.CultureInvariant), include));
        }
        return new DockerIgnore(rules);
    }

    /// <summary>True when docker would leave this context-relative file out of the build context.</summary>
    public bool Excludes(string relativePath)
    {
        var path = InputDigest.Normalise(relativePath);
        var excluded = false;
        foreach (var (pattern, include) in _rules)
            if (pattern.IsMatch(path)) excluded = !include;
        return excluded;
    }

    static string ToRegex(string pattern)
    {
        var regex = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches zero or more directories; a trailing "**" everything below.
                var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*') regex.Append("[^/]*");
            else if (c == '?') regex.Append("[^/]");
            else regex.Append(Regex.Escape(c.ToString()));
        }
        return regex.ToString();
    }
}
