using System.Text.RegularExpressions;
using Pipeline.Host;

namespace Pipeline.CI;

/// <summary>
/// Pure: (the targets a job runs, what each declares with <c>.Produces</c>) → the job's upload-artifact paths, each
/// produced path rendered relative to the artifacts directory under the job's own --artifacts folder. A file no running
/// target declares is not uploaded; a target that declares a new file gets it uploaded without touching build/CI.
/// upload-artifact v4 roots an artifact at the least common ancestor of its paths' search paths (the literal part before
/// any wildcard), so the paths must root it at the job's folder: the artifact then holds that folder's contents, and a
/// download by pattern (without merge-multiple: into path/&lt;artifact name&gt;/) recreates the folder under the
/// artifact's name, which is why jobs name their artifacts after their folders.
/// </summary>
public sealed class JobUploads(IReadOnlyList<TargetDeclaration> declarations, string artifactsDirectory)
{
    /// <summary>The build class's targets as an instance with default parameters declares them (what the generated jobs run with).</summary>
    public static JobUploads Of(Type buildType)
    {
        var build = Activator.CreateInstance(buildType, nonPublic: true) as NukeBuild
            ?? throw new ArgumentException($"{buildType.Name} is not a NukeBuild.");
        if (build is not IHazArtifacts artifacts)
            throw new ArgumentException($"{buildType.Name} does not implement IHazArtifacts, so the workflow cannot tell which of its targets' Produces paths are artifacts; implement it.");
        return new JobUploads(TargetDeclaration.Of(build), artifacts.ArtifactsDirectory);
    }

    /// <summary>The invoked targets and everything they depend on, less the skipped ones: what `./build.sh &lt;invoked&gt; --skip &lt;skipped&gt;` runs.</summary>
    public IReadOnlyList<string> RunningTargets(IReadOnlyList<string> invoked, IReadOnlyList<string> skipped)
    {
        var byName = declarations.ToDictionary(d => d.Name);
        var running = new HashSet<string>();
        var pending = new Stack<string>(invoked);
        while (pending.TryPop(out var name))
        {
            if (!byName.TryGetValue(name, out var target))
                throw new ArgumentException($"A workflow job runs target '{name}', which the build does not have; use nameof(...) of a target.");
            if (!running.Add(name)) continue;
            foreach (var dependency in target.DependsOn) pending.Push(dependency);
        }
        return declarations.Select(d => d.Name).Where(n => running.Contains(n) && !skipped.Contains(n)).ToList();
    }

    /// <summary>
    /// The upload-artifact paths (sorted, each once) of a job that runs <paramref name="invoked"/>
    /// with --artifacts <paramref name="folder"/>; refused when they would not root the artifact at that folder.
    /// </summary>
    public IReadOnlyList<string> Paths(IReadOnlyList<string> invoked, IReadOnlyList<string> skipped, string folder)
    {
        folder = folder.TrimEnd('/');
        var running = RunningTargets(invoked, skipped);
        var paths = declarations.Where(d => running.Contains(d.Name))
            .SelectMany(d => d.Produces.Select(path => folder + RelativeToArtifacts(d.Name, path)))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (paths.Count > 0 && Root(paths) != folder)
            throw new ArgumentException(
                $"The job running {string.Join(", ", running)} would upload {string.Join(", ", paths)}, which upload-artifact roots at {Root(paths) ?? "whatever is on disk"}, " +
                $"not at the job's folder {folder}, so its artifact would not recreate that folder; declare what the targets produce as paths that differ right under ArtifactsDirectory (e.g. a file beside a folder).");
        return paths;
    }

    string RelativeToArtifacts(string target, string produced)
    {
        var relative = Path.GetRelativePath(artifactsDirectory, produced).Replace('\\', '/');
        if (relative == "..") relative = "../"; // caught below
        if (relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            throw new ArgumentException($"Target '{target}' produces {produced}, outside the artifacts directory {artifactsDirectory}; declare it under ArtifactsDirectory so the workflow job that runs it uploads it.");
        return relative == "." ? "" : "/" + relative;
    }

    /// <summary>
    /// Where upload-artifact v4 roots an artifact of these paths (@actions/glob): each path's search path is its literal
    /// segments before the first wildcard; search paths under another one are dropped; two or more are rooted at their
    /// least common ancestor, one wildcard path (or folder/) at its search path. Null for one literal path: a file is
    /// rooted at its parent, a folder at itself, so it depends on what is on disk.
    /// </summary>
    public static string? Root(IReadOnlyList<string> paths)
    {
        var searchPaths = new List<string[]>();
        foreach (var segments in paths.Select(SearchPath).OrderBy(s => s.Length))
            if (!searchPaths.Any(s => s.Length <= segments.Length && s.SequenceEqual(segments.Take(s.Length))))
                searchPaths.Add(segments);
        if (searchPaths.Count == 1)
            return paths.Count == 1 && !paths[0].EndsWith('/') && SearchPath(paths[0]).Length == paths[0].Split('/').Length ? null : string.Join("/", searchPaths[0]);
        var common = searchPaths[0].TakeWhile((segment, i) => searchPaths.All(s => s.Length > i && s[i] == segment)).ToArray();
        return string.Join("/", common);
    }

    static string[] SearchPath(string path) =>
        path.TrimEnd('/').Split('/').TakeWhile(segment => segment.IndexOfAny(['*', '?', '[']) < 0).ToArray();

    /// <summary>Whether download-artifact's pattern (minimatch; `*` and `?` within a name) selects the artifact <paramref name="name"/>.</summary>
    public static bool Selects(string pattern, string name) =>
        Regex.IsMatch(name, "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$");
}
