using System.Text.RegularExpressions;

namespace BuildTests.Bake;

/// <summary>
/// A deliberately small reader for our static bake files (no daemon, no buildx needed): the blocks
/// <c>target "x" { … }</c>, <c>group "x" { targets = [...] }</c>, <c>variable "x"</c>, and the
/// <c>key = "value"</c> pairs inside a target's <c>args</c> and its <c>inherits</c> list.
/// </summary>
internal sealed partial class HclOutline
{
    public Dictionary<string, string> Targets { get; } = new();
    public Dictionary<string, List<string>> Groups { get; } = new();
    public HashSet<string> Variables { get; } = [];

    [GeneratedRegex("""(?m)^\s*(target|group|variable)\s+"([^"]+)"\s*\{""")]
    private static partial Regex BlockStart();

    // KEY = "value" | KEY = VARIABLE (value in group 2 or 3) | "string" (group 4)
    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:""([^""]*)""|([A-Za-z_][A-Za-z0-9_]*))|""([^""]+)""")]
    private static partial Regex PairOrString();

    public static HclOutline Parse(string text)
    {
        text = string.Join('\n', text.Split('\n').Select(l => l.TrimStart().StartsWith('#') ? "" : l));
        var outline = new HclOutline();
        foreach (Match match in BlockStart().Matches(text))
        {
            var body = BlockBody(text, match.Index + match.Length);
            var name = match.Groups[2].Value;
            switch (match.Groups[1].Value)
            {
                case "target": outline.Targets[name] = body; break;
                case "variable": outline.Variables.Add(name); break;
                case "group": outline.Groups[name] = Strings(ListOf(body, "targets")); break;
            }
        }
        return outline;
    }

    /// <summary>The target's args, following <c>inherits</c> left to right (later wins, own args last).</summary>
    public Dictionary<string, string> ArgsOf(string target)
    {
        var args = new Dictionary<string, string>();
        foreach (var parent in Strings(ListOf(Targets[target], "inherits")))
            foreach (var (key, value) in ArgsOf(parent)) args[key] = value;
        var own = Regex.Match(Targets[target], @"args\s*=\s*\{");
        if (own.Success)
            foreach (Match pair in PairOrString().Matches(BlockBody(Targets[target], own.Index + own.Length)))
                if (pair.Groups[1].Success) args[pair.Groups[1].Value] = pair.Groups[2].Success ? pair.Groups[2].Value : "${" + pair.Groups[3].Value + "}";
        return args;
    }

    public string? Attribute(string target, string key)
    {
        var match = Regex.Match(Targets[target], $@"(?m)^\s*{key}\s*=\s*""([^""]*)""");
        if (match.Success) return match.Groups[1].Value;
        return Strings(ListOf(Targets[target], "inherits")).Select(p => Attribute(p, key)).LastOrDefault(v => v is not null);
    }

    private static string ListOf(string body, string key)
    {
        var match = Regex.Match(body, key + @"\s*=\s*\[([^\]]*)\]");
        return match.Success ? match.Groups[1].Value : "";
    }

    private static List<string> Strings(string list) =>
        PairOrString().Matches(list).Where(m => m.Groups[4].Success).Select(m => m.Groups[4].Value).ToList();

    private static string BlockBody(string text, int start)
    {
        var depth = 1;
        for (var i = start; i < text.Length; i++)
        {
            if (text[i] == '{') depth++;
            else if (text[i] == '}' && --depth == 0) return text[start..i];
        }
        throw new FormatException("Unbalanced braces in bake file");
    }
}
