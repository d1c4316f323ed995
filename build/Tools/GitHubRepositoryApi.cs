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
/// runner): an annotated tag object and its ref (the lkg pin: `contents: write`), a repository variable (a token
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
    public async Task MoveTagAsync(string tag, string sha)
    {
        using (var update = await SendAsync(HttpMethod.Patch, "git/refs/tags/" + tag, new JsonObject { ["sha"] = sha, ["force"] = true }))
        {
            if (update.StatusCode != HttpStatusCode.UnprocessableEntity)
            {
                await EnsureAsync(update, $"move the tag {tag}", "the job needs `contents: write` (and no ruleset may protect refs/tags/" + tag + ")");
                return;
            }
        }
        using var create = await SendAsync(HttpMethod.Post, "git/refs", new JsonObject { ["ref"] = "refs/tags/" + tag, ["sha"] = sha });
        await EnsureAsync(create, $"create the tag {tag}", "the job needs `contents: write` (and no ruleset may protect refs/tags/" + tag + ")");
    }

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
