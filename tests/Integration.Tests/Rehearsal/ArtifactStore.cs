using System.Text.RegularExpressions;

namespace Integration.Tests.Rehearsal;

/// <summary>What an artifact operation did: a failure message (the step fails), warnings, and the files it wrote.</summary>
public sealed record ArtifactResult(string? Failure, IReadOnlyList<string> Warnings, IReadOnlyList<string> Files)
{
    public bool Succeeded => Failure is null;
}

/// <summary>
/// Artifacts of one workflow run as folders (root/&lt;name&gt;/...), with the semantics of actions/upload-artifact and
/// download-artifact v4. Upload paths are @actions/glob patterns (`*`, `?`, `**`; a matched folder brings all its
/// files); the artifact is rooted at the least common ancestor of the patterns' search paths (each pattern's literal
/// segments before its first wildcard, whether or not anything is there; one under another counts once), or with a
/// single search path at that path, or at its parent when it is the one file uploaded. Hidden files are left out unless
/// include-hidden-files; a name the run already has is refused (v4's 409) unless overwrite. `name` downloads into path,
/// `pattern`/all into path/&lt;name&gt;/ each, or with merge-multiple all into path. Where v4 silently lets the last
/// artifact overwrite a file another artifact also holds, this store reports the collision as a failure: a merge whose
/// result depends on download order is a bug in the workflow.
/// </summary>
public sealed class ArtifactStore(string root)
{
    public IReadOnlyList<string> Names =>
        Directory.Exists(root) ? Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()! : [];

    public ArtifactResult Upload(string name, IReadOnlyList<string> paths, string workspace, string ifNoFilesFound = "warn",
        bool includeHiddenFiles = false, bool overwrite = false)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(['/', '\\', ':', '<', '>', '|', '*', '?', '"']) >= 0)
            return Fail($"invalid artifact name '{name}'");
        if (paths.Any(p => p.Contains('[') || p.StartsWith('!')))
            return Fail("the rehearsal does not emulate [...] or !exclusions in upload-artifact paths: " + string.Join(", ", paths));
        var target = Path.Combine(root, name);
        if (Directory.Exists(target) && !overwrite)
            return Fail($"an artifact named '{name}' already exists in this run (upload-artifact v4 refuses to upload it again: 409 Conflict)");

        var patterns = paths.Select(p => Path.GetFullPath(Path.Combine(workspace, p))).ToList();
        var files = patterns.SelectMany(p => Matches(p, includeHiddenFiles)).Distinct().ToList();
        if (files.Count == 0)
        {
            var message = $"no files were found with the provided path: {string.Join(", ", paths)}. No artifact will be uploaded.";
            return ifNoFilesFound switch
            {
                "error" => Fail(message),
                "ignore" => new ArtifactResult(null, [], []),
                _ => new ArtifactResult(null, [message], []),
            };
        }
        var searchPaths = SearchPaths(patterns);
        var common = searchPaths.Count > 1 ? CommonAncestor(searchPaths)
            : files.Count == 1 && files[0] == searchPaths[0] ? Path.GetDirectoryName(files[0])! : searchPaths[0];
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        var written = new List<string>();
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(common, file);
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
            written.Add(relative);
        }
        return new ArtifactResult(null, [], written.Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>The files a pattern selects: those it matches, or that lie under a folder it matches (a trailing / matches only folders).</summary>
    static IEnumerable<string> Matches(string pattern, bool includeHiddenFiles)
    {
        var search = SearchPath(pattern);
        var foldersOnly = pattern.EndsWith('/');
        var matcher = PathGlob(pattern);
        if (File.Exists(search)) return !foldersOnly && matcher.IsMatch(search) && (includeHiddenFiles || !Path.GetFileName(search).StartsWith('.')) ? [search] : [];
        if (!Directory.Exists(search)) return [];
        return Directory.EnumerateFiles(search, "*", SearchOption.AllDirectories)
            .Where(f => includeHiddenFiles || !IsHidden(Path.GetRelativePath(search, f)))
            .Where(f => !foldersOnly && matcher.IsMatch(f) || FoldersUpTo(f, search).Any(matcher.IsMatch))
            .Order(StringComparer.Ordinal);
    }

    static IEnumerable<string> FoldersUpTo(string file, string search)
    {
        for (var path = Path.GetDirectoryName(file)!; path.Length >= search.Length; path = Path.GetDirectoryName(path)!) yield return path;
    }

    /// <summary>A pattern's literal segments before its first wildcard.</summary>
    static string SearchPath(string pattern) =>
        "/" + string.Join("/", pattern.Split('/', StringSplitOptions.RemoveEmptyEntries).TakeWhile(s => s.IndexOfAny(['*', '?']) < 0));

    /// <summary>Each distinct search path once, leaving out those under another one (@actions/glob's getSearchPaths).</summary>
    static List<string> SearchPaths(IReadOnlyList<string> patterns)
    {
        var all = patterns.Select(SearchPath).Distinct().ToList();
        return all.Where(p => !all.Any(q => q != p && p.StartsWith(q.TrimEnd('/') + "/", StringComparison.Ordinal))).ToList();
    }

    /// <summary>@actions/glob's matching on absolute paths: `*` and `?` within a segment, `**` any number of segments.</summary>
    static Regex PathGlob(string pattern)
    {
        var regex = new System.Text.StringBuilder("^");
        foreach (var segment in pattern.Split('/', StringSplitOptions.RemoveEmptyEntries))
            regex.Append(segment == "**" ? "(?:/[^/]+)*" : "/" + Regex.Escape(segment).Replace(@"\*", "[^/]*").Replace(@"\?", "[^/]"));
        return new Regex(regex.Append('$').ToString());
    }

    public ArtifactResult Download(string? name, string? pattern, string path, bool mergeMultiple)
    {
        if (name is { Length: > 0 })
        {
            var source = Path.Combine(root, name);
            return Directory.Exists(source) ? Copy([(name, source)], path, merge: true) : Fail($"artifact '{name}' not found");
        }
        var matcher = pattern is { Length: > 0 } ? Glob(pattern) : null;
        var selected = Names.Where(n => matcher?.IsMatch(n) ?? true).Select(n => (n, Path.Combine(root, n))).ToList();
        if (selected.Count == 0) return new ArtifactResult(null, [$"no artifacts match '{pattern}'"], []);
        return mergeMultiple ? Copy(selected, path, merge: true) : Copy(selected, path, merge: false);
    }

    static ArtifactResult Copy(IReadOnlyList<(string Name, string Source)> artifacts, string path, bool merge)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var collisions = new List<string>();
        var written = new List<string>();
        foreach (var (name, source) in artifacts)
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = merge ? Path.GetRelativePath(source, file) : Path.Combine(name, Path.GetRelativePath(source, file));
                if (owners.TryGetValue(relative, out var first)) collisions.Add($"{relative} ({first}, {name})");
                else owners[relative] = name;
                var destination = Path.Combine(path, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(file, destination, overwrite: true);
                written.Add(relative);
            }
        var failure = collisions.Count == 0 ? null
            : $"merge-multiple: {collisions.Count} file(s) are in more than one artifact, so the last download silently wins: {string.Join("; ", collisions)}";
        return new ArtifactResult(failure, [], written.Distinct().Order(StringComparer.Ordinal).ToList());
    }

    static bool IsHidden(string relativePath) =>
        relativePath.Split(Path.DirectorySeparatorChar).Any(segment => segment.StartsWith('.'));

    /// <summary>The least common ancestor by whole segments (upload-artifact's getMultiPathLCA).</summary>
    static string CommonAncestor(IReadOnlyList<string> paths)
    {
        var split = paths.Select(p => p.Split('/', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var common = split[0].TakeWhile((segment, i) => split.All(s => s.Length > i && s[i] == segment));
        return "/" + string.Join("/", common);
    }

    /// <summary>minimatch as download-artifact uses it on names: `*` and `?` (names have no `/`).</summary>
    static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$");

    static ArtifactResult Fail(string message) => new(message, [], []);
}
