namespace Integration.Tests.Rehearsal;

/// <summary>The event a rehearsal simulates: its name, ref, commit and payload (github.event).</summary>
public sealed record RehearsalEvent(string Name, string Ref, string Sha, string Repository, IReadOnlyDictionary<string, object?> Payload)
{
    public string Owner => Repository.Split('/')[0];

    public static RehearsalEvent PushToMain(string sha, string repository) =>
        new("push", "refs/heads/main", sha, repository, Json($$$"""
            {"ref":"refs/heads/main","after":"{{{sha}}}","repository":{"full_name":"{{{repository}}}","default_branch":"main"},
             "head_commit":{"id":"{{{sha}}}"}}
            """));

    /// <summary>A pull request from a branch of the same repository (fromFork: from another repository).</summary>
    public static RehearsalEvent PullRequest(int number, string sha, string repository, bool fromFork = false) =>
        new("pull_request", $"refs/pull/{number}/merge", sha, repository, Json($$$"""
            {"number":{{{number}}},"pull_request":{"number":{{{number}}},
               "head":{"repo":{"full_name":"{{{(fromFork ? "someone/fork" : repository)}}}"} },
               "base":{"repo":{"full_name":"{{{repository}}}"} } },
             "repository":{"full_name":"{{{repository}}}","default_branch":"main"}}
            """));

    /// <summary>A scheduled run: GitHub runs it on the default branch's latest commit (GITHUB_REF is that branch).</summary>
    public static RehearsalEvent Schedule(string cron, string sha, string repository) =>
        new("schedule", "refs/heads/main", sha, repository, Json(new System.Text.Json.Nodes.JsonObject
        {
            ["schedule"] = cron,
            ["repository"] = new System.Text.Json.Nodes.JsonObject { ["full_name"] = repository, ["default_branch"] = "main" },
        }.ToJsonString()));

    /// <summary>A run by hand (workflow_dispatch) on <paramref name="ref"/> with the given inputs.</summary>
    public static RehearsalEvent WorkflowDispatch(string @ref, string sha, string repository, IReadOnlyDictionary<string, string>? inputs = null) =>
        new("workflow_dispatch", @ref, sha, repository, Json(new System.Text.Json.Nodes.JsonObject
        {
            ["ref"] = @ref,
            ["inputs"] = new System.Text.Json.Nodes.JsonObject((inputs ?? new Dictionary<string, string>())
                .Select(i => KeyValuePair.Create(i.Key, (System.Text.Json.Nodes.JsonNode?)i.Value))),
            ["repository"] = new System.Text.Json.Nodes.JsonObject { ["full_name"] = repository, ["default_branch"] = "main" },
        }.ToJsonString()));

    static IReadOnlyDictionary<string, object?> Json(string json) => (IReadOnlyDictionary<string, object?>)ExpressionValue.FromJson(json)!;
}
