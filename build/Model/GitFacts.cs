namespace Pipeline.Model;

/// <summary>What the build needs to know about the checked-out commit, read once from git.</summary>
/// <param name="UncommittedPaths">
/// What `git status --porcelain` lists: modified, staged, deleted and untracked paths (untracked files can be part of
/// the build context); ignored files never count.
/// </param>
/// <param name="TopLevel">The work tree's root (`git rev-parse --show-toplevel`): the source when there is no remote.</param>
public sealed record GitFacts(
    string Sha,
    string? Branch,
    IReadOnlyList<string> TagsAtHead,
    DateTimeOffset CommitTime,
    string? RemoteUrl,
    IReadOnlyList<string> UncommittedPaths,
    string? TopLevel = null)
{
    /// <summary>The work tree is not the commit: something is modified, staged, deleted or untracked.</summary>
    public bool IsDirty => UncommittedPaths.Count > 0;
}
