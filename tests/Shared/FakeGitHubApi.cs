using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Tests.Shared;

/// <summary>
/// A loopback HTTP server (127.0.0.1, random port) speaking the GitHub REST endpoints the CI jobs call, as
/// docs.github.com documents them, against a real bare git repository: POST git/tags (an annotated tag object, made
/// with `git mktag`), PATCH git/refs/&lt;ref&gt; (422 "Reference does not exist" when missing) and POST git/refs (422 when
/// it exists), GET git/ref/&lt;ref&gt;, GET and PUT contents/&lt;path&gt; (a real commit on the branch; a stale blob sha is 409),
/// GET and POST pulls (kept here), PATCH / POST actions/variables, GET environments/&lt;name&gt;, POST actions/workflows/&lt;file&gt;/dispatches (404 when the
/// file is not on the ref, 422 without the ref; recorded in Dispatches), PUT code-scanning/analysis (upload-sarif's
/// upload: a gzipped, base64 SARIF log for a commit and ref; 400 past code scanning's 20 runs; recorded in
/// CodeScanningUploads). A token's scopes decide: code scanning needs `security-events=write`,
/// git and contents writes need `contents=write` (reads `read`), pulls `pull-requests` (write to open one), environments
/// `actions=read` (or write), variables `variables=write`, dispatches `actions=write`; an unknown token gets 401.
/// Every request is recorded as "METHOD /path".
/// </summary>
public sealed class FakeGitHubApi : IAsyncDisposable
{
    readonly HttpListener listener;
    readonly Task loop;
    readonly string gitDirectory;
    readonly Func<string, IReadOnlyDictionary<string, string>?> scopesOf;

    /// <param name="gitDirectory">The bare repository tags and refs are written to (the repository's origin).</param>
    /// <param name="scopesOf">A token's permissions (scope → read/write), or null for a token GitHub does not know.</param>
    public FakeGitHubApi(string repository, string gitDirectory, Func<string, IReadOnlyDictionary<string, string>?> scopesOf)
    {
        (Repository, this.gitDirectory, this.scopesOf) = (repository, gitDirectory, scopesOf);
        (listener, Port) = LoopbackHttpListener.Start();
        loop = Task.Run(ServeAsync);
    }

    public string Repository { get; }
    public int Port { get; }
    public string ApiUrl => $"http://127.0.0.1:{Port}";
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Repository variables by name (what PATCH / POST actions/variables wrote).</summary>
    public ConcurrentDictionary<string, string> Variables { get; } = new();

    /// <summary>Deployment environments by name: the JSON GET environments/&lt;name&gt; answers (absent: 404).</summary>
    public ConcurrentDictionary<string, string> Environments { get; } = new();

    /// <summary>Pull requests opened with POST pulls: number, head branch, base branch, title, body, state ("open").</summary>
    public ConcurrentQueue<(int Number, string Head, string Base, string Title, string Body)> PullRequests { get; } = new();

    /// <summary>workflow_dispatch runs asked for with POST actions/workflows/&lt;file&gt;/dispatches: the file, the ref, its commit then, the inputs.</summary>
    public ConcurrentQueue<(string Workflow, string Ref, string Sha, IReadOnlyDictionary<string, string> Inputs)> Dispatches { get; } = new();

    /// <summary>SARIF uploads to code scanning (PUT code-scanning/analysis): the ref, the commit, the SARIF log unzipped.</summary>
    public ConcurrentQueue<(string Ref, string CommitSha, JsonObject Sarif)> CodeScanningUploads { get; } = new();

    /// <summary>Answer every call as an exhausted primary rate limit would (403, x-ratelimit-remaining: 0).</summary>
    public DateTimeOffset? RateLimitedUntil { get; set; }

    /// <summary>An environment as GitHub describes one with required reviewers (and, optionally, self-review prevented).</summary>
    public static string ProtectedEnvironment(string name, bool preventSelfReview = true) => new JsonObject
    {
        ["id"] = 161088068, ["name"] = name,
        ["protection_rules"] = new JsonArray(new JsonObject
        {
            ["id"] = 3755, ["node_id"] = "MDQ6R2F0ZTM3NTU=", ["prevent_self_review"] = preventSelfReview, ["type"] = "required_reviewers",
            ["reviewers"] = new JsonArray(new JsonObject { ["type"] = "Team", ["reviewer"] = new JsonObject { ["id"] = 1, ["slug"] = "platform" } }),
        }),
        ["deployment_branch_policy"] = new JsonObject { ["protected_branches"] = true, ["custom_branch_policies"] = false },
    }.ToJsonString();

    /// <summary>An environment as GitHub creates it when a job first names it: no protection rules, every branch allowed.</summary>
    public static string UnprotectedEnvironment(string name) =>
        new JsonObject { ["id"] = 161088069, ["name"] = name, ["protection_rules"] = new JsonArray(), ["deployment_branch_policy"] = null }.ToJsonString();

    async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception) { return; }
            try { await AnswerAsync(context); }
            catch (Exception e) { Reply(context.Response, 500, new JsonObject { ["message"] = e.Message }.ToJsonString()); }
        }
    }

    async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        if (path.StartsWith("/api/v3/", StringComparison.Ordinal)) path = path[7..];
        Requests.Enqueue($"{request.HttpMethod} {path}");
        if (RateLimitedUntil is { } reset)
        {
            context.Response.AddHeader("x-ratelimit-limit", "1000");
            context.Response.AddHeader("x-ratelimit-remaining", "0");
            context.Response.AddHeader("x-ratelimit-reset", reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            Reply(context.Response, 403, """{"message":"API rate limit exceeded for installation ID 4242."}""");
            return;
        }
        var authorization = request.Headers["Authorization"] ?? "";
        var scopes = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? scopesOf(authorization["Bearer ".Length..]) : null;
        if (scopes is null) { Reply(context.Response, 401, """{"message":"Bad credentials"}"""); return; }
        var prefix = $"/repos/{Repository}/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal)) { NotFound(context.Response); return; }
        var rest = path[prefix.Length..];
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var body = request.HasEntityBody ? JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject() : new JsonObject();
        bool Grants(string scope, string level) => scopes.TryGetValue(scope, out var granted) && (granted == level || granted == "write");
        var path0 = rest.Split('?')[0];
        var query = System.Web.HttpUtility.ParseQueryString(request.Url!.Query);
        var needed = rest.StartsWith("git/ref/", StringComparison.Ordinal) || (rest.StartsWith("contents/", StringComparison.Ordinal) && request.HttpMethod == "GET")
                ? ("contents", "read")
            : rest.StartsWith("git/", StringComparison.Ordinal) || rest.StartsWith("contents/", StringComparison.Ordinal) ? ("contents", "write")
            : rest.StartsWith("pulls", StringComparison.Ordinal) ? ("pull-requests", request.HttpMethod == "GET" ? "read" : "write")
            : rest.StartsWith("actions/variables", StringComparison.Ordinal) ? ("variables", "write")
            : rest.StartsWith("environments/", StringComparison.Ordinal) ? ("actions", "read")
            : rest.StartsWith("actions/workflows/", StringComparison.Ordinal) ? ("actions", "write")
            : rest.StartsWith("code-scanning/", StringComparison.Ordinal) ? ("security-events", "write") : default;
        if (needed != default && !Grants(needed.Item1, needed.Item2)) { Refuse(context.Response); return; }

        switch (request.HttpMethod, rest)
        {
            case ("GET", var r) when r.StartsWith("environments/", StringComparison.Ordinal):
                if (Environments.TryGetValue(Uri.UnescapeDataString(r["environments/".Length..]), out var environment)) Reply(context.Response, 200, environment);
                else NotFound(context.Response);
                return;
            case ("GET", var r) when r.StartsWith("git/ref/", StringComparison.Ordinal):
                var wanted = "refs/" + r["git/ref/".Length..];
                if (!await RefExistsAsync(wanted)) { NotFound(context.Response); return; }
                Reply(context.Response, 200, new JsonObject { ["ref"] = wanted, ["object"] = new JsonObject { ["sha"] = await GitAsync(null, "rev-parse", wanted), ["type"] = "commit" } }.ToJsonString());
                return;
            case ("GET", var r) when r.StartsWith("contents/", StringComparison.Ordinal):
                var (file, branch) = (Uri.UnescapeDataString(path0["contents/".Length..]), query["ref"] ?? "main");
                if (!await RefExistsAsync($"refs/heads/{branch}:{file}")) { NotFound(context.Response); return; }
                // GitHub's base64 comes in lines of 60 characters.
                var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(await GitAsync(null, null, keepTrailing: true, "show", $"refs/heads/{branch}:{file}")));
                var lines = string.Join("\n", Enumerable.Range(0, (encoded.Length + 59) / 60).Select(i => encoded.Substring(i * 60, Math.Min(60, encoded.Length - i * 60))));
                Reply(context.Response, 200, new JsonObject { ["type"] = "file", ["path"] = file, ["encoding"] = "base64", ["content"] = lines + "\n",
                    ["sha"] = await GitAsync(null, "rev-parse", $"refs/heads/{branch}:{file}") }.ToJsonString());
                return;
            case ("PUT", var r) when r.StartsWith("contents/", StringComparison.Ordinal):
                await PutContentsAsync(context.Response, Uri.UnescapeDataString(r["contents/".Length..]), body);
                return;
            case ("GET", "pulls"):
                var open = PullRequests.Where(pr => query["state"] == "open" && $"{Repository.Split('/')[0]}:{pr.Head}" == query["head"]
                    && (query["base"] is null || pr.Base == query["base"]));
                Reply(context.Response, 200, new JsonArray(open.Select(pr => (JsonNode)new JsonObject { ["number"] = pr.Number, ["state"] = "open" }).ToArray()).ToJsonString());
                return;
            case ("POST", "pulls"):
                var (head, @base) = ((string)body["head"]!, (string)body["base"]!);
                if (!await RefExistsAsync("refs/heads/" + head)) { Reply(context.Response, 422, """{"message":"Validation Failed","errors":[{"field":"head","code":"invalid"}]}"""); return; }
                var number = PullRequests.Count + 1;
                PullRequests.Enqueue((number, head, @base, (string)body["title"]!, (string?)body["body"] ?? ""));
                Reply(context.Response, 201, new JsonObject { ["number"] = number, ["html_url"] = $"https://github.invalid/{Repository}/pull/{number}" }.ToJsonString());
                return;
            case ("POST", "git/tags"):
                var tagger = $"rehearsal <rehearsal@localhost> {DateTimeOffset.UtcNow.ToUnixTimeSeconds()} +0000";
                var tagText = $"object {(string)body["object"]!}\ntype {(string)body["type"]!}\ntag {(string)body["tag"]!}\ntagger {tagger}\n\n{(string)body["message"]!}\n";
                Reply(context.Response, 201, new JsonObject { ["sha"] = await GitAsync(tagText, "mktag"), ["tag"] = (string)body["tag"]! }.ToJsonString());
                return;
            case ("PATCH", var r) when r.StartsWith("git/refs/", StringComparison.Ordinal):
                var @ref = "refs/" + r["git/refs/".Length..];
                if (!await RefExistsAsync(@ref)) { Reply(context.Response, 422, """{"message":"Reference does not exist"}"""); return; }
                await GitAsync(null, "update-ref", @ref, (string)body["sha"]!);
                Reply(context.Response, 200, new JsonObject { ["ref"] = @ref, ["object"] = new JsonObject { ["sha"] = (string)body["sha"]! } }.ToJsonString());
                return;
            case ("POST", "git/refs"):
                if (await RefExistsAsync((string)body["ref"]!)) { Reply(context.Response, 422, """{"message":"Reference already exists"}"""); return; }
                await GitAsync(null, "update-ref", (string)body["ref"]!, (string)body["sha"]!);
                Reply(context.Response, 201, new JsonObject { ["ref"] = (string)body["ref"]! }.ToJsonString());
                return;
            case ("PATCH", var r) when r.StartsWith("actions/variables/", StringComparison.Ordinal):
                var name = r["actions/variables/".Length..];
                if (!Variables.ContainsKey(name)) { NotFound(context.Response); return; }
                Variables[name] = (string)body["value"]!;
                Reply(context.Response, 204, "");
                return;
            case ("POST", var r) when r.StartsWith("actions/workflows/", StringComparison.Ordinal) && r.EndsWith("/dispatches", StringComparison.Ordinal):
                var workflow = Uri.UnescapeDataString(r["actions/workflows/".Length..^"/dispatches".Length]);
                var dispatchRef = (string?)body["ref"] ?? "";
                var branchRef = dispatchRef.StartsWith("refs/", StringComparison.Ordinal) ? dispatchRef : "refs/heads/" + dispatchRef;
                if (!await RefExistsAsync(branchRef)) { Reply(context.Response, 422, $$"""{"message":"No ref found for: {{dispatchRef}}"}"""); return; }
                if (!await RefExistsAsync($"{branchRef}:.github/workflows/{workflow}")) { NotFound(context.Response); return; }
                var inputs = (body["inputs"] as JsonObject ?? []).ToDictionary(i => i.Key, i => i.Value?.ToString() ?? "");
                Dispatches.Enqueue((workflow, branchRef, await GitAsync(null, "rev-parse", branchRef), inputs));
                Reply(context.Response, 204, "");
                return;
            case ("PUT", "code-scanning/analysis"):
                using (var gzip = new System.IO.Compression.GZipStream(new MemoryStream(Convert.FromBase64String((string)body["sarif"]!)), System.IO.Compression.CompressionMode.Decompress))
                {
                    var sarif = JsonNode.Parse(gzip)!.AsObject();
                    if (sarif["runs"]!.AsArray().Count > 20) { Reply(context.Response, 400, """{"message":"SARIF upload has more than 20 runs"}"""); return; }
                    CodeScanningUploads.Enqueue(((string)body["ref"]!, (string)body["commit_oid"]!, sarif));
                }
                Reply(context.Response, 202, new JsonObject { ["id"] = Guid.NewGuid().ToString() }.ToJsonString());
                return;
            case ("POST", "actions/variables"):
                if (!Variables.TryAdd((string)body["name"]!, (string)body["value"]!)) { Reply(context.Response, 409, """{"message":"Already exists"}"""); return; }
                Reply(context.Response, 201, "{}");
                return;
            default:
                NotFound(context.Response);
                return;
        }
    }

    /// <summary>PUT contents: the file replaced in one commit on the branch (whose blob sha the body names), as GitHub does.</summary>
    async Task PutContentsAsync(HttpListenerResponse response, string file, JsonObject body)
    {
        var branch = "refs/heads/" + ((string?)body["branch"] ?? "main");
        if (!await RefExistsAsync(branch)) { NotFound(response); return; }
        var current = await RefExistsAsync($"{branch}:{file}") ? await GitAsync(null, "rev-parse", $"{branch}:{file}") : null;
        if (current != (string?)body["sha"]) { Reply(response, 409, $$"""{"message":"{{file}} does not match {{(string?)body["sha"] ?? "no sha"}}"}"""); return; }
        var blob = await GitAsync(Encoding.UTF8.GetString(Convert.FromBase64String((string)body["content"]!)), "hash-object", "-w", "--stdin");
        var index = Path.GetTempFileName();
        try
        {
            var environment = new Dictionary<string, string> { ["GIT_INDEX_FILE"] = index };
            await GitAsync(null, environment, "read-tree", branch);
            await GitAsync(null, environment, "update-index", "--add", "--cacheinfo", $"100644,{blob},{file}");
            var tree = await GitAsync(null, environment, "write-tree");
            var commit = await GitAsync(null, "-c", "user.name=rehearsal", "-c", "user.email=rehearsal@localhost", "commit-tree", tree, "-p", branch, "-m", (string)body["message"]!);
            await GitAsync(null, "update-ref", branch, commit);
            Reply(response, 200, new JsonObject { ["content"] = new JsonObject { ["sha"] = blob }, ["commit"] = new JsonObject { ["sha"] = commit } }.ToJsonString());
        }
        finally { File.Delete(index); }
    }

    async Task<bool> RefExistsAsync(string @ref)
    {
        try { await GitAsync(null, "rev-parse", "-q", "--verify", @ref); return true; }
        catch (InvalidOperationException) { return false; }
    }

    Task<string> GitAsync(string? input, params string[] arguments) => GitAsync(input, null, arguments);

    Task<string> GitAsync(string? input, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        GitAsync(input, environment, false, arguments);

    async Task<string> GitAsync(string? input, IReadOnlyDictionary<string, string>? environment, bool keepTrailing, params string[] arguments)
    {
        var output = await TestGit.RunAsync(gitDirectory, input, environment, arguments);
        return keepTrailing ? output : output.Trim();
    }

    static void Refuse(HttpListenerResponse response) => Reply(response, 403, """{"message":"Resource not accessible by integration"}""");

    static void NotFound(HttpListenerResponse response) => Reply(response, 404, """{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}""");

    static void Reply(HttpListenerResponse response, int status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (status != 204) { response.ContentLength64 = bytes.Length; response.OutputStream.Write(bytes); }
        response.Close();
    }


    public async ValueTask DisposeAsync()
    {
        listener.Close(); // alone: Stop() then Close() binds the port again on Unix (another process may hold it by then)
        await loop;
    }
}
