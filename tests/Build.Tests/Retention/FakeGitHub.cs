using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BuildTests.Retention;

/// <summary>
/// A loopback HTTP server (HttpListener on 127.0.0.1, random port) speaking the documented GitHub Packages
/// endpoints (list versions for orgs and users, paginated with Link headers; DELETE version → 204; GET
/// users/{name} for the owner's type) and ghcr's OCI endpoint (manifests by digest, tags list, no referrers
/// API). Version objects are cloned from the real example response in Fixtures/.
/// </summary>
internal sealed partial class FakeGitHub : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly JsonObject _template;
    private readonly List<JsonObject> _versions = [];
    private readonly Dictionary<string, (string Json, string MediaType)> _manifests = new();

    public FakeGitHub(string owner, string package, bool ownerIsOrg)
    {
        (Owner, Package, OwnerIsOrg) = (owner, package, ownerIsOrg);
        (_listener, Port) = Tests.Shared.LoopbackHttpListener.Start();
        _template = (JsonObject)LoadFixture()["components"]!["examples"]!["package-versions-for-authenticated-user"]!["value"]![0]!;
        _loop = Task.Run(ServeAsync);
    }

    public string Owner { get; }
    public string Package { get; }
    public bool OwnerIsOrg { get; }
    public int Port { get; }
    public string ApiUrl => $"http://127.0.0.1:{Port}/";
    public string Repository => $"127.0.0.1:{Port}/{Owner}/{Package}";
    public ConcurrentQueue<string> Requests { get; } = new();
    public ConcurrentQueue<long> DeletedIds { get; } = new();

    /// <summary>Answer this status instead of the listing (e.g. 403, 404).</summary>
    public int? ListStatus { get; set; }
    public int? DeleteStatus { get; set; }

    /// <summary>Refuse the listing as GitHub refuses an exhausted primary rate limit (403, x-ratelimit-remaining: 0, reset at this time).</summary>
    public DateTimeOffset? RateLimitedUntil { get; set; }

    /// <summary>Refuse the listing as GitHub refuses a secondary rate limit (403 with its message, retry-after: 60).</summary>
    public bool SecondaryRateLimited { get; set; }

    public void AddVersion(long id, string digest, string[] tags, DateTimeOffset created, string manifestJson, string mediaType)
    {
        var version = (JsonObject)_template.DeepClone();
        version["id"] = id;
        version["name"] = digest;
        version["created_at"] = created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
        version["metadata"]!["container"]!["tags"] = new JsonArray(tags.Select(t => (JsonNode)t).ToArray());
        _versions.Add(version);
        _manifests[digest] = (manifestJson, mediaType);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            try { Answer(context); }
            catch (Exception e) { Reply(context.Response, 500, $"{{\"message\":\"{e.Message}\"}}"); }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        if (path.StartsWith("/api/v3/", StringComparison.Ordinal)) path = path[7..]; // Octokit's prefix for non-github.com hosts
        Requests.Enqueue($"{request.HttpMethod} {path}{request.Url.Query}");
        var kind = OwnerIsOrg ? "orgs" : "users";
        var versionsPath = $"/{kind}/{Owner}/packages/container/{Uri.EscapeDataString(Package)}/versions";

        if (request.HttpMethod == "GET" && path == $"/users/{Owner}")
            Reply(context.Response, 200, $$"""{"login":"{{Owner}}","id":1,"type":"{{(OwnerIsOrg ? "Organization" : "User")}}"}""");
        else if (request.HttpMethod == "GET" && path == versionsPath)
            ListVersions(context, versionsPath);
        else if (request.HttpMethod == "DELETE" && path.StartsWith(versionsPath + "/", StringComparison.Ordinal))
            Delete(context.Response, long.Parse(path[(versionsPath.Length + 1)..]));
        else if (request.HttpMethod == "GET" && ManifestPath().Match(path) is { Success: true } manifest && manifest.Groups[1].Value == $"{Owner}/{Package}")
            ServeManifest(context.Response, Uri.UnescapeDataString(manifest.Groups[2].Value));
        else if (request.HttpMethod == "GET" && path == $"/v2/{Owner}/{Package}/tags/list")
            Reply(context.Response, 200, new JsonObject { ["name"] = $"{Owner}/{Package}", ["tags"] = new JsonArray(_versions.SelectMany(v => v["metadata"]!["container"]!["tags"]!.AsArray().Select(t => (JsonNode)t!.GetValue<string>())).ToArray()) }.ToJsonString());
        else
            Reply(context.Response, 404, """{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}""");
    }

    private void ListVersions(HttpListenerContext context, string versionsPath)
    {
        if (RateLimitedUntil is { } reset)
        {
            context.Response.AddHeader("x-ratelimit-limit", "1000");
            context.Response.AddHeader("x-ratelimit-remaining", "0");
            context.Response.AddHeader("x-ratelimit-reset", reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            Reply(context.Response, 403, """{"message":"API rate limit exceeded for installation ID 4242.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}""");
            return;
        }
        if (SecondaryRateLimited)
        {
            context.Response.AddHeader("retry-after", "60");
            Reply(context.Response, 403, """{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}""");
            return;
        }
        if (ListStatus is { } status)
        {
            Reply(context.Response, status, status == 403 ? """{"message":"Resource not accessible by integration"}""" : """{"message":"Package not found."}""");
            return;
        }
        var query = context.Request.QueryString;
        var perPage = int.TryParse(query["per_page"], out var p) ? Math.Min(p, 100) : 30;
        var page = int.TryParse(query["page"], out var n) ? n : 1;
        var lastPage = Math.Max(1, (_versions.Count + perPage - 1) / perPage);
        if (page < lastPage)
            context.Response.AddHeader("Link", $"<{ApiUrl}api/v3{versionsPath}?per_page={perPage}&page={page + 1}>; rel=\"next\", <{ApiUrl}api/v3{versionsPath}?per_page={perPage}&page={lastPage}>; rel=\"last\"");
        Reply(context.Response, 200, new JsonArray(_versions.Skip((page - 1) * perPage).Take(perPage).Select(v => v.DeepClone()).ToArray()).ToJsonString());
    }

    private void Delete(HttpListenerResponse response, long id)
    {
        if (DeleteStatus is { } status)
        {
            Reply(response, status, """{"message":"You need admin access to the package to delete it."}""");
            return;
        }
        var version = _versions.FirstOrDefault(v => v["id"]!.GetValue<long>() == id);
        if (version is null) { Reply(response, 404, """{"message":"Not Found"}"""); return; }
        _versions.Remove(version);
        DeletedIds.Enqueue(id);
        response.StatusCode = 204;
        response.Close();
    }

    private void ServeManifest(HttpListenerResponse response, string digest)
    {
        if (!_manifests.TryGetValue(digest, out var manifest) || !_versions.Any(v => v["name"]!.GetValue<string>() == digest))
        {
            Reply(response, 404, """{"errors":[{"code":"MANIFEST_UNKNOWN"}]}""");
            return;
        }
        Reply(response, 200, manifest.Json, manifest.MediaType);
    }

    private static void Reply(HttpListenerResponse response, int status, string body, string contentType = "application/json")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
        response.Close();
    }

    private static JsonNode LoadFixture()
    {
        var path = Path.Combine(RetentionPolicyTests.FindRoot(), "tests", "Build.Tests", "Retention", "Fixtures", "github-package-versions-example.json");
        return JsonNode.Parse(File.ReadAllText(path))!;
    }

    [GeneratedRegex("^/v2/(.+)/manifests/([^/]+)$")]
    private static partial Regex ManifestPath();

    public async ValueTask DisposeAsync()
    {
        // Close alone: on Unix, Stop() then Close() releases the port and then binds it again to remove the prefix a
        // second time, which throws "Address already in use" when another process took the port in between.
        _listener.Close();
        await _loop;
    }
}
