namespace Pipeline.Rules;

/// <summary>
/// Pure: a publish names a commit, so a build from uncommitted changes (anything `git status --porcelain` lists:
/// modified, staged, deleted or untracked; ignored files never count) is refused unless --allow-dirty, and even then
/// it is never tagged (the tag policy gives such a build no tags).
/// </summary>
public static class DirtyTree
{
    const string AllowDirty = "or pass --allow-dirty to push, sign and attest it by digest without moving any tag";

    /// <summary>The work tree this run builds from has uncommitted changes (<paramref name="uncommittedPaths"/>).</summary>
    public static string? PublishProblem(IReadOnlyList<string> uncommittedPaths, bool allowDirty) =>
        uncommittedPaths.Count == 0 || allowDirty ? null
            : $"Publish refused: the work tree has uncommitted changes ({Describe(uncommittedPaths)}; git status --porcelain) and a publish names a commit: " +
              $"commit or stash them (git stash -u), {AllowDirty}.";

    /// <summary>The manifest (or the bake record it is written from) records a build from uncommitted changes.</summary>
    public static string? BuiltDirtyProblem(bool builtDirty, string source, bool allowDirty) =>
        !builtDirty || allowDirty ? null
            : $"Publish refused: {source} was built from uncommitted changes and a publish names a commit: rebuild from a clean checkout, {AllowDirty}.";

    /// <summary>The first three paths and how many more.</summary>
    public static string Describe(IReadOnlyList<string> paths) =>
        string.Join(", ", paths.Take(3)) + (paths.Count > 3 ? $" and {paths.Count - 3} more" : "");
}
