using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Retention.GitHub;

namespace Pipeline.Tools;

/// <summary>A GitHub REST call that failed: one line naming the call, the answer and the fix.</summary>
public sealed class GitHubApiException(string message, int status) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// The few GitHub REST endpoints the CI jobs need beyond the registry, with the job's token (no gh, curl or jq on the
/// runner): an annotated tag object and its ref (the lkg pin: `contents: write`), a branch, a file commit and a pull
/// request (the base-pin proposal: `contents` and `pull-requests: write`), a repository variable (a token
/// allowed to write variables), and a deployment environment's protection (`actions: read`). Paths and bodies are
/// docs.github.com's (git/tags, git/refs, actions/variables, environments), under GITHUB_API_URL.
/// </summary>
public sealed class GitHubRepositoryApi(HttpClient http, string apiUrl, string repository, string token)
{
    public string Repository => repository;

    /// <summary>POST git/tags: an annotated tag object for <paramref name="commit"/>; returns the tag object's sha.</summary>
    public async Task<string> CreateTagObjectAsync(string tag, string message, string commit)
    {
        var body = new JsonObject { ["tag"] = tag, ["message"] = message, ["object"] = commit, ["type"] = "commit" };
        using var response = await SendAsync(HttpMethod.Post, "git/tags", body);
        await EnsureAsync(response, $"create the annotated tag object {tag}", "the job needs `contents: write`");
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("sha").GetString()!;
    }

    /// <summary>PATCH git/refs/tags/&lt;tag&gt; (force), or POST git/refs when the tag does not exist yet (422).</summary>
    public Task MoveTagAsync(string tag, string sha) =>
        MoveRefAsync("tags/" + tag, sha, "the job needs `contents: write` (and no ruleset may protect refs/tags/" + tag + ")");

    /// <summary>PATCH git/refs/&lt;ref&gt; (force), or POST git/refs when it does not exist yet (422); <paramref name="reference"/> as "heads/x".</summary>
    public async Task MoveRefAsync(string reference, string sha, string fix)
    {
        using (var update = await SendAsync(HttpMethod.Patch, "git/refs/" + reference, new JsonObject { ["sha"] = sha, ["force"] = true }))
        {
            if (update.StatusCode != HttpStatusCode.UnprocessableEntity)
            {
                await EnsureAsync(update, $"move refs/{reference}", fix);
                return;
            }
        }
        using var create = await SendAsync(HttpMethod.Post, "git/refs", new JsonObject { ["ref"] = "refs/" + reference, ["sha"] = sha });
        await EnsureAsync(create, $"create refs/{reference}", fix);
    }

    /// <summary>GET git/ref/&lt;ref&gt;: the commit a ref such as "heads/main" points at.</summary>
    public async Task<string> RefShaAsync(string reference)
    {
        using var response = await SendAsync(HttpMethod.Get, "git/ref/" + reference, null);
        await EnsureAsync(response, $"read refs/{reference}", "the job needs `contents: read`");
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("object").GetProperty("sha").GetString()!;
    }

    /// <summary>GET contents/&lt;path&gt;?ref=&lt;branch&gt;: the file's text and blob sha, or null when the branch has no such file (404).</summary>
    public async Task<(string Text, string Sha)?> FileAsync(string path, string branch)
    {
        using var response = await SendAsync(HttpMethod.Get, $"contents/{EscapePath(path)}?ref={Uri.EscapeDataString(branch)}", null);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, $"read {path} on {branch}", "the job needs `contents: read`");
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        // GitHub breaks the base64 into lines.
        var content = answer.RootElement.GetProperty("content").GetString()!.Replace("\n", "");
        return (Encoding.UTF8.GetString(Convert.FromBase64String(content)), answer.RootElement.GetProperty("sha").GetString()!);
    }

    /// <summary>PUT contents/&lt;path&gt;: one commit on <paramref name="branch"/> replacing the file (blob <paramref name="sha"/>) with <paramref name="text"/>.</summary>
    public async Task PutFileAsync(string path, string branch, string text, string? sha, string message)
    {
        var body = new JsonObject
        {
            ["message"] = message, ["branch"] = branch, ["content"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(text)),
        };
        if (sha is not null) body["sha"] = sha;
        using var response = await SendAsync(HttpMethod.Put, "contents/" + EscapePath(path), body);
        await EnsureAsync(response, $"commit {path} to {branch}", "the job needs `contents: write`");
    }

    /// <summary>
    /// The open pull request from <paramref name="branch"/> into <paramref name="baseBranch"/> (GET pulls?head=owner:branch), else
    /// a new one (POST pulls); returns its number and whether it was opened now.
    /// </summary>
    public async Task<(int Number, bool Opened)> PullRequestAsync(string branch, string baseBranch, string title, string body)
    {
        const string fix = "the job needs `pull-requests: write`; with GITHUB_TOKEN, also the repository setting "
            + "'Allow GitHub Actions to create and approve pull requests'";
        var owner = repository.Split('/')[0];
        using (var list = await SendAsync(HttpMethod.Get,
                   $"pulls?state=open&head={Uri.EscapeDataString(owner + ":" + branch)}&base={Uri.EscapeDataString(baseBranch)}", null))
        {
            await EnsureAsync(list, $"list the pull requests from {branch}", fix);
            using var open = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
            if (open.RootElement.GetArrayLength() > 0) return (open.RootElement[0].GetProperty("number").GetInt32(), false);
        }
        using var create = await SendAsync(HttpMethod.Post, "pulls",
            new JsonObject { ["title"] = title, ["head"] = branch, ["base"] = baseBranch, ["body"] = body });
        await EnsureAsync(create, $"open a pull request from {branch} into {baseBranch}", fix);
        using var created = JsonDocument.Parse(await create.Content.ReadAsStringAsync());
        return (created.RootElement.GetProperty("number").GetInt32(), true);
    }

    static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    /// <summary>PATCH actions/variables/&lt;name&gt;, or POST actions/variables when it does not exist yet (404).</summary>
    public async Task SetVariableAsync(string name, string value)
    {
        const string fix = "DEVCONTAINER_LKG_TOKEN must be allowed to write repository variables (fine-grained: Variables, write)";
        using (var update = await SendAsync(HttpMethod.Patch, "actions/variables/" + name, new JsonObject { ["name"] = name, ["value"] = value }))
        {
            if (update.StatusCode != HttpStatusCode.NotFound)
            {
                await EnsureAsync(update, $"update the repository variable {name}", fix);
                return;
            }
        }
        using var create = await SendAsync(HttpMethod.Post, "actions/variables", new JsonObject { ["name"] = name, ["value"] = value });
        await EnsureAsync(create, $"create the repository variable {name}", fix);
    }

    /// <summary>GET environments/&lt;name&gt;: the environment as GitHub describes it, or null when it does not exist (404).</summary>
    public async Task<JsonElement?> GetEnvironmentAsync(string name)
    {
        using var response = await SendAsync(HttpMethod.Get, "environments/" + Uri.EscapeDataString(name), null);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, $"read the deployment environment {name}", "the job needs `actions: read`");
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.Clone();
    }

    /// <summary>
    /// POST actions/workflows/&lt;file&gt;/dispatches: a workflow_dispatch run of <paramref name="workflowFile"/> on
    /// <paramref name="branch"/> (GitHub's docs: "Create a workflow dispatch event", the Actions permission, write; GITHUB_TOKEN's
    /// workflow_dispatch is the one event of that token that does start a run).
    /// </summary>
    public async Task DispatchWorkflowAsync(string workflowFile, string branch, IReadOnlyDictionary<string, string> inputs)
    {
        var body = new JsonObject { ["ref"] = branch, ["inputs"] = new JsonObject(inputs.Select(i => KeyValuePair.Create(i.Key, (JsonNode?)i.Value))) };
        using var response = await SendAsync(HttpMethod.Post, $"actions/workflows/{Uri.EscapeDataString(workflowFile)}/dispatches", body);
        await EnsureAsync(response, $"run {workflowFile} on {branch}",
            $"the job needs `actions: write`, and {workflowFile} on {branch} must have a workflow_dispatch trigger with these inputs ({string.Join(", ", inputs.Keys)})");
    }

    async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body)
    {
        using var request = new HttpRequestMessage(method, $"{apiUrl.TrimEnd('/')}/repos/{repository}/{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/vnd.github+json");
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        request.Headers.UserAgent.ParseAdd("devcontainer-pipeline");
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        try { return await http.SendAsync(request); }
        catch (HttpRequestException e)
        {
            throw new GitHubApiException($"GitHub's API at {apiUrl} did not answer {method} repos/{repository}/{path} ({e.Message}); check GITHUB_API_URL and the runner's network.", 0);
        }
    }

    async Task EnsureAsync(HttpResponseMessage response, string what, string fix)
    {
        if (response.IsSuccessStatusCode) return;
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        string? message = null;
        try { message = JsonDocument.Parse(text).RootElement.GetProperty("message").GetString(); }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { }
        var headers = response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var cause = GitHubRateLimit.Explain(status, headers, message) ?? status switch
        {
            401 => "(401): the token is missing or expired",
            403 or 404 => $"({status}{(message is null ? "" : ": " + message)}): {fix}",
            _ => $"({status}{(message is null ? "" : ": " + message)})",
        };
        throw new GitHubApiException($"GitHub refused to {what} in {repository} {cause}.", status);
    }
}
