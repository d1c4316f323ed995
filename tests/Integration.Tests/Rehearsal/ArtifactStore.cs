using System.Text.RegularExpressions;

namespace Integration.Tests.Rehearsal;

/// <summary>What an artifact operation did: a failure message (the step fails), warnings, and the files it wrote.</summary>
public sealed record ArtifactResult(string? Failure, IReadOnlyList<string> Warnings, IReadOnlyList<string> Files)
{
    public bool Succeeded => Failure is null;
}

/// <summary>
/// Artifacts of one workflow run as folders (root/&lt;name&gt;/...), with the semantics of actions/upload-artifact and
/// download-artifact v4: an upload's root is its path (a directory) or the least common ancestor of its paths; hidden
/// files are left out unless include-hidden-files; a name the run already has is refused (v4's 409) unless
/// overwrite; `name` downloads into path, `pattern`/all into path/&lt;name&gt;/ each, or with merge-multiple all into
/// path. Where v4 silently lets the last artifact overwrite a file another artifact also holds, this store reports
/// the collision as a failure: a merge whose result depends on download order is a bug in the workflow.
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
        if (paths.Any(p => p.IndexOfAny(['*', '?', '[']) >= 0 || p.StartsWith('!')))
            return Fail("the rehearsal does not expand globs in upload-artifact paths: " + string.Join(", ", paths));
        var target = Path.Combine(root, name);
        if (Directory.Exists(target) && !overwrite)
            return Fail($"an artifact named '{name}' already exists in this run (upload-artifact v4 refuses to upload it again: 409 Conflict)");

        var roots = new List<string>();
        var files = new List<string>();
        foreach (var path in paths.Select(p => Path.GetFullPath(Path.Combine(workspace, p))))
        {
            if (Directory.Exists(path))
            {
                roots.Add(path);
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => includeHiddenFiles || !IsHidden(Path.GetRelativePath(path, f))));
            }
            else if (File.Exists(path) && (includeHiddenFiles || !IsHidden(Path.GetFileName(path))))
            {
                roots.Add(Path.GetDirectoryName(path)!);
                files.Add(path);
            }
        }
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
        var common = CommonAncestor(roots);
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        var written = new List<string>();
        foreach (var file in files.Distinct())
        {
            var relative = Path.GetRelativePath(common, file);
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
            written.Add(relative);
        }
        return new ArtifactResult(null, [], written.Order(StringComparer.Ordinal).ToList());
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

    static string CommonAncestor(IReadOnlyList<string> directories)
    {
        var common = directories[0].TrimEnd(Path.DirectorySeparatorChar);
        foreach (var directory in directories.Skip(1))
            while (!(directory + Path.DirectorySeparatorChar).StartsWith(common + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                common = Path.GetDirectoryName(common)!;
        return common;
    }

    /// <summary>minimatch as download-artifact uses it on names: `*` and `?` (names have no `/`).</summary>
    static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$");

    static ArtifactResult Fail(string message) => new(message, [], []);
}
