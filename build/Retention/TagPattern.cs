using System.Text.RegularExpressions;

namespace Pipeline.Retention;

/// <summary>
/// A tag glob from the policy file: <c>*</c> is any run of characters, <c>?</c> one character and
/// <c>{permutation}</c> any known permutation id (captured, so main-branch versions group by it) and
/// <c>{sha}</c> a 7–40 digit hex commit id.
/// </summary>
public sealed class TagPattern
{
    public const string PermutationPlaceholder = "{permutation}";
    public const string ShaPlaceholder = "{sha}";
    private readonly Regex _regex;

    public TagPattern(string glob, IReadOnlyCollection<string> permutationIds)
    {
        Glob = glob;
        var alternatives = string.Join("|", permutationIds.OrderByDescending(id => id.Length).Select(Regex.Escape));
        var body = string.Join("", SplitKeepingPlaceholder(glob).Select(part => part == PermutationPlaceholder
            ? $"(?<permutation>{alternatives})"
            : Regex.Escape(part).Replace("\\*", ".*").Replace("\\?", ".").Replace(Regex.Escape(ShaPlaceholder), "[0-9a-f]{7,40}")));
        _regex = new Regex($"^{body}$", RegexOptions.CultureInvariant);
    }

    public string Glob { get; }

    /// <summary>True when the tag matches; <paramref name="permutation"/> is the captured id or "" when the glob has none.</summary>
    public bool Matches(string tag, out string permutation)
    {
        var match = _regex.Match(tag);
        permutation = match.Success && match.Groups["permutation"].Success ? match.Groups["permutation"].Value : "";
        return match.Success;
    }

    public bool Matches(string tag) => Matches(tag, out _);

    private static IEnumerable<string> SplitKeepingPlaceholder(string glob)
    {
        var index = 0;
        while (true)
        {
            var next = glob.IndexOf(PermutationPlaceholder, index, StringComparison.Ordinal);
            if (next < 0) { yield return glob[index..]; yield break; }
            yield return glob[index..next];
            yield return PermutationPlaceholder;
            index = next + PermutationPlaceholder.Length;
        }
    }

    public override string ToString() => Glob;
}
