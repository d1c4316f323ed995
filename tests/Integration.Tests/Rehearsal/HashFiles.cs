using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Integration.Tests.Rehearsal;

/// <summary>
/// hashFiles() as the runner computes it: the files under the workspace matching the patterns (`*`, `**`, `?`;
/// `!pattern` excludes), in path order, each hashed with SHA-256, and the SHA-256 of those hashes as hex; "" when none match.
/// </summary>
public static class HashFiles
{
    public static string Of(string workspace, IReadOnlyList<string> patterns)
    {
        var include = patterns.Where(p => !p.StartsWith('!')).Select(Glob).ToList();
        var exclude = patterns.Where(p => p.StartsWith('!')).Select(p => Glob(p[1..])).ToList();
        var files = Directory.EnumerateFiles(workspace, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(workspace, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith(".git/") && include.Any(g => g.IsMatch(f)) && !exclude.Any(g => g.IsMatch(f)))
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) return "";
        using var all = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files) all.AppendData(SHA256.HashData(File.ReadAllBytes(Path.Combine(workspace, file))));
        return Convert.ToHexStringLower(all.GetHashAndReset());
    }

    static Regex Glob(string pattern)
    {
        var regex = Regex.Escape(pattern.StartsWith("./") ? pattern[2..] : pattern)
            .Replace(@"\*\*/", "(.*/)?").Replace(@"\*\*", ".*").Replace(@"\*", "[^/]*").Replace(@"\?", "[^/]");
        return new Regex("^" + regex + "$");
    }
}
