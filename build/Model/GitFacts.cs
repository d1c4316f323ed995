namespace Pipeline.Model;

/// <summary>What the build needs to know about the checked-out commit, read once from git.</summary>
public sealed record GitFacts(
    string Sha,
    string? Branch,
    IReadOnlyList<string> TagsAtHead,
    DateTimeOffset CommitTime,
    string? RemoteUrl,
    bool IsDirty);
