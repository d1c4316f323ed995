using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace TrivyDouble;

/// <summary>One vulnerability entry of a .trivyignore (text) or .trivyignore.yaml file.</summary>
internal sealed record IgnoreRule(string Id, IReadOnlyList<string> Paths, IReadOnlyList<string> Purls)
{
    public bool Matches(string vulnerabilityId, string target, string? pkgPath, string? purl) =>
        vulnerabilityId == Id
        && (Paths.Count == 0 || Paths.Any(p => Glob(p, target) || (pkgPath is not null && Glob(p, pkgPath))))
        && (Purls.Count == 0 || (purl is not null && Purls.Any(p => PurlMatches(p, purl))));

    static bool Glob(string pattern, string path)
    {
        var regex = "^" + Regex.Escape(pattern).Replace(@"\*\*/", "(.*/)?").Replace(@"\*\*", ".*")
            .Replace(@"\*", "[^/]*").Replace(@"\?", "[^/]") + "$";
        return Regex.IsMatch(path, regex);
    }

    /// <summary>A purl without a version matches every version of that package; qualifiers are ignored.</summary>
    static bool PurlMatches(string rule, string actual)
    {
        static (string Name, string? Version) Split(string purl)
        {
            var bare = purl.Split('?', '#')[0];
            var at = bare.LastIndexOf('@');
            return at > bare.IndexOf('/') ? (bare[..at], bare[(at + 1)..]) : (bare, null);
        }
        var (ruleName, ruleVersion) = Split(rule);
        var (actualName, actualVersion) = Split(actual);
        return ruleName == actualName && (ruleVersion is null || ruleVersion == actualVersion);
    }
}

/// <summary>Reads Trivy's ignore files; entries whose expiry date has passed are dropped, as Trivy does.</summary>
internal static class IgnoreRules
{
    public static IReadOnlyList<IgnoreRule> Load(string path, DateOnly today)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension is ".yaml" or ".yml" ? LoadYaml(path, today) : LoadText(path, today);
    }

    static List<IgnoreRule> LoadText(string path, DateOnly today)
    {
        var rules = new List<IgnoreRule>();
        foreach (var rawLine in File.ReadAllLines(path))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var expiry = fields.Skip(1).FirstOrDefault(f => f.StartsWith("exp:"));
            if (expiry is not null && ParseDate(expiry[4..], path) < today) continue;
            rules.Add(new IgnoreRule(fields[0], [], []));
        }
        return rules;
    }

    static List<IgnoreRule> LoadYaml(string path, DateOnly today)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        var rules = new List<IgnoreRule>();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return rules;
        if (!root.Children.TryGetValue(new YamlScalarNode("vulnerabilities"), out var list) || list is not YamlSequenceNode entries)
            return rules;
        foreach (var entry in entries.OfType<YamlMappingNode>())
        {
            string? Scalar(string key) => entry.Children.TryGetValue(new YamlScalarNode(key), out var n) ? (n as YamlScalarNode)?.Value : null;
            List<string> Strings(string key) => entry.Children.TryGetValue(new YamlScalarNode(key), out var n) && n is YamlSequenceNode s
                ? s.Children.OfType<YamlScalarNode>().Select(x => x.Value ?? "").ToList() : [];
            var id = Scalar("id") ?? throw new DoubleUsageException($"{path}: a vulnerabilities entry has no id");
            if (Scalar("expired_at") is { } expiry && ParseDate(expiry, path) < today) continue;
            rules.Add(new IgnoreRule(id, Strings("paths"), Strings("purls")));
        }
        return rules;
    }

    static DateOnly ParseDate(string text, string path) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date : throw new DoubleUsageException($"{path}: invalid expiry date '{text}' (want YYYY-MM-DD)");
}
