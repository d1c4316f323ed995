using System.Net;
using System.Net.Sockets;
using System.Text;
using Pipeline.Host;
using Pipeline.Retention;
using Pipeline.Retention.Oci;
using Xunit;

namespace BuildTests.Retention;

/// <summary>The OCI client against a loopback server: the registry token flow, tag pagination, retries, refused deletes.</summary>
public class OciRegistryClientTests
{
    private sealed class Loopback : IDisposable
    {
        private readonly HttpListener _listener;
        public readonly List<string> Requests = [];
        public int Port { get; }

        public Loopback(Action<HttpListenerContext> handle)
        {
            (_listener, Port) = Tests.Shared.LoopbackHttpListener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try { context = await _listener.GetContextAsync(); } catch (Exception) { return; }
                    lock (Requests) Requests.Add($"{context.Request.HttpMethod} {context.Request.Url!.PathAndQuery} auth={context.Request.Headers["Authorization"] ?? "-"}");
                    handle(context);
                }
            });
        }

        public static void Reply(HttpListenerContext context, int status, string body = "", Action<HttpListenerResponse>? headers = null)
        {
            context.Response.StatusCode = status;
            headers?.Invoke(context.Response);
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.ContentLength64 = bytes.Length;
            context.Response.OutputStream.Write(bytes);
            context.Response.Close();
        }

        public void Dispose() => _listener.Close();
    }

    private static OciRegistryClient Client(Loopback server, string? user = null, string? password = null) =>
        new(RepositoryReference.Parse($"127.0.0.1:{server.Port}/team/devcontainer"), new HttpClient(), user, password);

    [Fact]
    public async Task A_bearer_challenge_is_answered_with_a_token_from_the_realm_and_tags_follow_the_link_header()
    {
        const string token = "registry-token-5b1e";
        Loopback? server = null;
        server = new Loopback(context =>
        {
            var path = context.Request.Url!.AbsolutePath;
            if (path == "/token")
                Loopback.Reply(context, context.Request.Headers["Authorization"] == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("robot:secret")) ? 200 : 401, $$"""{"token":"{{token}}"}""");
            else if (context.Request.Headers["Authorization"] != "Bearer " + token)
                Loopback.Reply(context, 401, "", r => r.AddHeader("WWW-Authenticate", $"Bearer realm=\"http://127.0.0.1:{server!.Port}/token\",service=\"test\",scope=\"repository:team/devcontainer:pull\""));
            else if (context.Request.QueryString["last"] is null)
                Loopback.Reply(context, 200, """{"name":"team/devcontainer","tags":["a","b"]}""", r => r.AddHeader("Link", "</v2/team/devcontainer/tags/list?n=1000&last=b>; rel=\"next\""));
            else
                Loopback.Reply(context, 200, """{"name":"team/devcontainer","tags":["c"]}""");
        });
        using var _ = server;

        var tags = await Client(server, "robot", "secret").ListTagsAsync(default);

        Assert.Equal(["a", "b", "c"], tags);
        Assert.Contains(server.Requests, r => r.StartsWith("GET /token?service=test&scope=repository%3Ateam%2Fdevcontainer%3Apull"));
        Assert.DoesNotContain(token, SecretMasker.Mask($"Authorization: Bearer {token}")); // the token never reaches a log line
    }

    [Fact]
    public async Task A_server_error_is_retried_and_then_succeeds()
    {
        var calls = 0;
        using var server = new Loopback(context =>
        {
            if (Interlocked.Increment(ref calls) == 1) Loopback.Reply(context, 503);
            else Loopback.Reply(context, 200, """{"tags":["only"]}""");
        });

        Assert.Equal(["only"], await Client(server).ListTagsAsync(default));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_registry_without_deletes_gets_one_line_naming_the_setting()
    {
        using var server = new Loopback(context => Loopback.Reply(context, 405, """{"errors":[{"code":"UNSUPPORTED"}]}"""));

        var e = await Assert.ThrowsAsync<RegistryException>(() => Client(server).DeleteManifestAsync("sha256:" + new string('0', 64), default));

        Assert.Contains("REGISTRY_STORAGE_DELETE_ENABLED=true", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task Missing_manifests_and_referrers_api_are_answers_not_errors()
    {
        using var server = new Loopback(context => Loopback.Reply(context, 404, """{"errors":[{"code":"MANIFEST_UNKNOWN"}]}"""));
        var client = Client(server);

        Assert.Null(await client.GetManifestAsync("sha256:" + new string('1', 64), default));
        Assert.Null(await client.GetReferrersAsync("sha256:" + new string('1', 64), default));
        Assert.False(await client.DeleteManifestAsync("sha256:" + new string('1', 64), default));
    }

    [Fact]
    public async Task A_manifest_is_put_byte_for_byte_and_a_blob_is_uploaded_once_with_its_digest()
    {
        var stored = new Dictionary<string, byte[]>();
        using var server = new Loopback(context =>
        {
            var path = context.Request.Url!.AbsolutePath;
            using var body = new MemoryStream();
            context.Request.InputStream.CopyTo(body);
            var bytes = body.ToArray();
            if (context.Request.HttpMethod == "HEAD") Loopback.Reply(context, stored.ContainsKey(path) ? 200 : 404);
            else if (context.Request.HttpMethod == "POST") Loopback.Reply(context, 202, "", r => r.AddHeader("Location", "/v2/team/devcontainer/blobs/uploads/u1?_state=x"));
            else if (path.Contains("/blobs/uploads/"))
            {
                stored["/v2/team/devcontainer/blobs/" + context.Request.QueryString["digest"]] = bytes;
                Loopback.Reply(context, 201);
            }
            else
            {
                stored[path] = bytes;
                Loopback.Reply(context, 201, "", r => r.AddHeader("Docker-Content-Digest", ContentDigest.Sha256(bytes)));
            }
        });
        var client = Client(server);
        var blob = "sbom bytes"u8.ToArray();

        var digest = await client.PushBlobAsync(blob, default);
        Assert.Equal(ContentDigest.Sha256(blob), digest);
        Assert.Equal(blob, stored["/v2/team/devcontainer/blobs/" + digest]);
        await client.PushBlobAsync(blob, default); // already there: HEAD only
        Assert.Single(server.Requests, r => r.StartsWith("POST "));
        Assert.Contains(server.Requests, r => r.StartsWith($"PUT /v2/team/devcontainer/blobs/uploads/u1?_state=x&digest={Uri.EscapeDataString(digest)}"));

        var index = """{"schemaVersion":2,"manifests":[]}"""u8.ToArray();
        var put = await client.PutManifestAsync(ContentDigest.Sha256(index), index, "application/vnd.oci.image.index.v1+json", default);
        Assert.Equal(ContentDigest.Sha256(index), put);
        Assert.Equal(index, stored["/v2/team/devcontainer/manifests/" + put]);
    }

    [Fact]
    public async Task A_registry_that_stores_a_put_manifest_under_another_digest_is_refused()
    {
        using var server = new Loopback(context => Loopback.Reply(context, 201, "", r => r.AddHeader("Docker-Content-Digest", "sha256:" + new string('9', 64))));
        var e = await Assert.ThrowsAsync<RegistryException>(() => Client(server).PutManifestAsync("t", "{}"u8.ToArray(), "application/vnd.oci.image.index.v1+json", default));
        Assert.Contains("the registry rewrote it", e.Message);
    }

    [Theory]
    [InlineData("127.0.0.1:5000/team/devcontainer", "http://127.0.0.1:5000/", "team/devcontainer")]
    [InlineData("ghcr.io/acme/devcontainer", "https://ghcr.io/", "acme/devcontainer")]
    [InlineData("localhost:5000/x", "http://localhost:5000/", "x")]
    public void References_split_into_address_and_name(string reference, string address, string name)
    {
        var parsed = RepositoryReference.Parse(reference);
        Assert.Equal(address, parsed.BaseAddress.ToString());
        Assert.Equal(name, parsed.Name);
    }

    [Theory]
    [InlineData("devcontainer")]
    [InlineData("ghcr.io/acme/devcontainer:latest")]
    [InlineData("ghcr.io/acme/devcontainer@sha256:abc")]
    public void A_tag_digest_or_missing_host_is_refused_with_the_fix(string reference)
    {
        var e = Assert.Throws<RegistryException>(() => RepositoryReference.Parse(reference));
        Assert.Contains("--retention-repository", e.Message);
    }
}

public class RegistryBackendChoiceTests
{
    [Theory]
    [InlineData(RetentionBackendKind.Auto, "ghcr.io/acme/devcontainer", RetentionBackendKind.GitHub)]
    [InlineData(RetentionBackendKind.Auto, "GHCR.io/acme/devcontainer", RetentionBackendKind.GitHub)]
    [InlineData(RetentionBackendKind.Auto, "127.0.0.1:5000/team/devcontainer", RetentionBackendKind.Oci)]
    [InlineData(RetentionBackendKind.Auto, "ghcr.io.example.com/a/b", RetentionBackendKind.Oci)]
    [InlineData(RetentionBackendKind.Oci, "ghcr.io/acme/devcontainer", RetentionBackendKind.Oci)]
    [InlineData(RetentionBackendKind.GitHub, "127.0.0.1:5000/acme/devcontainer", RetentionBackendKind.GitHub)]
    public void Auto_picks_the_github_api_for_ghcr_and_an_explicit_choice_wins(RetentionBackendKind requested, string repository, RetentionBackendKind expected) =>
        Assert.Equal(expected, RegistryBackends.Choose(requested, RepositoryReference.Parse(repository)));
}
