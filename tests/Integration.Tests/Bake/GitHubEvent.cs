namespace Integration.Tests.Bake;

/// <summary>The GitHub Actions variables a child build sees, for simulating a push, a release or a pull request.</summary>
internal static class GitHubEvent
{
    /// <summary>Not a commit of this repository: the commit time comes from the event payload (or is the epoch).</summary>
    public const string Sha = "5e3f1a2b4c6d8e0f1a2b3c4d5e6f7a8b9c0d1e2f";
    public const string CommitTimestamp = "2021-02-03T04:05:06Z";

    public static Dictionary<string, string?> Push(string workDirectory, string branch = "main") =>
        Variables(workDirectory, "push", "refs/heads/" + branch, "{\"head_commit\":{\"timestamp\":\"" + CommitTimestamp + "\"}}");

    public static Dictionary<string, string?> PullRequest(string workDirectory, int number, bool fromFork = false) =>
        Variables(workDirectory, "pull_request", $"refs/pull/{number}/merge", $$$"""
            {"number":{{{number}}},"pull_request":{"number":{{{number}}},
              "head":{"repo":{"full_name":"{{{(fromFork ? "someone/devcontainers" : "acme/devcontainers")}}}"} },
              "base":{"repo":{"full_name":"acme/devcontainers"} } } }
            """);

    static Dictionary<string, string?> Variables(string workDirectory, string eventName, string gitRef, string payload)
    {
        var eventPath = Path.Combine(workDirectory, $"event-{Guid.NewGuid():N}.json");
        File.WriteAllText(eventPath, payload);
        return new()
        {
            ["GITHUB_EVENT_NAME"] = eventName,
            ["GITHUB_REF"] = gitRef,
            ["GITHUB_SHA"] = Sha,
            ["GITHUB_SERVER_URL"] = "https://github.com",
            ["GITHUB_REPOSITORY"] = "acme/devcontainers",
            ["GITHUB_EVENT_PATH"] = eventPath,
            ["CI"] = "true", // as on every GitHub Actions runner: a server build (every platform of each permutation)
        };
    }
}
