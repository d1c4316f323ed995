namespace BuildTests.Bake;

/// <summary>Build contexts for tests, one per mode, with a fixed sha and commit time.</summary>
internal static class Contexts
{
    public const string Sha = "0123456789abcdef0123456789abcdef01234567";
    public static readonly DateTimeOffset CommitTime = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    public static BuildContext Main => new(BuildMode.DefaultBranch, Sha, "refs/heads/main", "push", null, null, CommitTime, "https://github.com/acme/devcontainers", Reason: "default branch");
    public static BuildContext Release(string version) => new(BuildMode.ReleaseTag, Sha, "refs/tags/" + version, "push", null, version, CommitTime, "https://github.com/acme/devcontainers", Reason: "release tag");
    public static BuildContext PullRequest(int number, bool fork = false) => new(BuildMode.PullRequest, Sha, $"refs/pull/{number}/merge", "pull_request", number, null, CommitTime, "https://github.com/acme/devcontainers", fork, "pull request");
    public static BuildContext Local => new(BuildMode.Local, Sha, "refs/heads/feature", "local", null, null, CommitTime, "", Reason: "branch 'feature'");
}
