using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Serilog;

namespace Pipeline.Retention.Oci;

/// <summary>
/// The few OCI distribution API calls retention makes (and the build's own: a merged index and an SBOM put by digest),
/// with the registry token flow (401 → realm → bearer token, or basic auth) and bounded retries with backoff for 5xx
/// and dropped connections.
/// </summary>
public sealed class OciRegistryClient(RepositoryReference repository, HttpClient http, string? username = null, string? password = null)
{
    private static readonly int[] BackoffMilliseconds = [200, 800, 2000];
    private readonly Dictionary<string, AuthenticationHeaderValue> _authorization = new();

    public RepositoryReference Repository => repository;

    public async Task<IReadOnlyList<string>> ListTagsAsync(CancellationToken ct)
    {
        var tags = new List<string>();
        string? next = $"v2/{repository.Name}/tags/list?n=1000";
        while (next is not null)
        {
            using var response = await SendAsync(HttpMethod.Get, next, null, ct);
            if (response.StatusCode == HttpStatusCode.NotFound) return tags; // a repository with no pushes yet
            await EnsureSuccessAsync(response, "list tags of");
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (document.RootElement.TryGetProperty("tags", out var array) && array.ValueKind == JsonValueKind.Array)
                tags.AddRange(array.EnumerateArray().Select(t => t.GetString()!));
            next = NextLink(response);
        }
        return tags;
    }

    /// <summary>The manifest body and media type, or null when the registry does not have it.</summary>
    public async Task<ManifestResponse?> GetManifestAsync(string reference, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"v2/{repository.Name}/manifests/{reference}", OciMediaTypes.AcceptedManifests, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureSuccessAsync(response, $"read manifest {reference} of");
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var digest = ContentDigest.Sha256(bytes);
        return new ManifestResponse(Encoding.UTF8.GetString(bytes), response.Content.Headers.ContentType?.MediaType, digest);
    }

    public async Task<string?> GetBlobAsync(string digest, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"v2/{repository.Name}/blobs/{digest}", null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureSuccessAsync(response, $"read blob {digest} of");
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary>The referrers API answer, or null when the registry does not implement it (404/400/405).</summary>
    public async Task<string?> GetReferrersAsync(string digest, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"v2/{repository.Name}/referrers/{digest}", [OciMediaTypes.ImageIndex], ct);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.MethodNotAllowed) return null;
        await EnsureSuccessAsync(response, $"list referrers of {digest} in");
        var body = await response.Content.ReadAsStringAsync(ct);
        return response.Content.Headers.ContentType?.MediaType == OciMediaTypes.ImageIndex || body.Contains("\"manifests\"") ? body : null;
    }

    /// <summary>A blob's exact bytes, or null when the registry does not have it.</summary>
    public async Task<byte[]?> GetBlobBytesAsync(string digest, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"v2/{repository.Name}/blobs/{digest}", null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureSuccessAsync(response, $"read blob {digest} of");
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    /// <summary>Whether the repository holds the blob (HEAD; a 404 is "no", anything else not 2xx an error).</summary>
    public async Task<bool> HasBlobAsync(string digest, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Head, $"v2/{repository.Name}/blobs/{digest}", null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureSuccessAsync(response, $"check blob {digest} of");
        return true;
    }

    /// <summary>
    /// Uploads <paramref name="bytes"/> as one blob (POST an upload, then PUT it whole with its digest: the distribution
    /// API's monolithic upload), unless the repository already holds it; returns its digest.
    /// </summary>
    public async Task<string> PushBlobAsync(byte[] bytes, CancellationToken ct)
    {
        var digest = ContentDigest.Sha256(bytes);
        if (await HasBlobAsync(digest, ct)) return digest;
        string location;
        using (var start = await SendAsync(HttpMethod.Post, $"v2/{repository.Name}/blobs/uploads/", null, ct))
        {
            await EnsureSuccessAsync(start, "start a blob upload to");
            location = start.Headers.Location?.ToString()
                ?? throw new RegistryException($"{repository.Host} started a blob upload to {repository.Name} without a Location header; check the registry.");
        }
        var target = new Uri(new Uri(repository.BaseAddress, $"v2/{repository.Name}/blobs/uploads/"), location);
        var put = target + (target.Query.Length > 0 ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest);
        using var finish = await SendAsync(HttpMethod.Put, put, null, ct, () => Body(bytes, "application/octet-stream"));
        await EnsureSuccessAsync(finish, $"upload blob {digest} to");
        return digest;
    }

    /// <summary>
    /// PUTs a manifest's exact bytes under <paramref name="reference"/> (its digest, or a tag) with its media type; the
    /// registry's Docker-Content-Digest must be the bytes' own digest, so what a digest names is byte for byte what was sent.
    /// </summary>
    public async Task<string> PutManifestAsync(string reference, byte[] bytes, string mediaType, CancellationToken ct)
    {
        var digest = ContentDigest.Sha256(bytes);
        using var response = await SendAsync(HttpMethod.Put, $"v2/{repository.Name}/manifests/{reference}", null, ct, () => Body(bytes, mediaType));
        await EnsureSuccessAsync(response, $"put manifest {reference} to");
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } stored && stored != digest)
            throw new RegistryException($"{repository} stored the manifest put as {reference} under {stored}, not its digest {digest}; the registry rewrote it, use one that keeps manifests byte for byte.");
        return digest;
    }

    private static ByteArrayContent Body(byte[] bytes, string mediaType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    /// <summary>DELETE by digest; true when deleted, false when it was already gone.</summary>
    public async Task<bool> DeleteManifestAsync(string digest, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"v2/{repository.Name}/manifests/{digest}", null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        if (response.StatusCode == HttpStatusCode.MethodNotAllowed)
            throw new RegistryException($"{repository.Host} refuses manifest deletes (405); enable them (distribution: REGISTRY_STORAGE_DELETE_ENABLED=true) or use the registry's own retention.");
        await EnsureSuccessAsync(response, $"delete {digest} from");
        return true;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string[]? accept, CancellationToken ct, Func<HttpContent>? content = null)
    {
        var scope = method == HttpMethod.Delete ? "delete" : method == HttpMethod.Get || method == HttpMethod.Head ? "pull" : "push";
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var response = await http.SendAsync(Request(method, path, accept, scope, content), ct);
                if (response.StatusCode == HttpStatusCode.Unauthorized && !_authorization.ContainsKey(scope) && await AuthenticateAsync(response, scope, ct))
                {
                    response.Dispose();
                    response = await http.SendAsync(Request(method, path, accept, scope, content), ct);
                }
                if ((int)response.StatusCode < 500 || attempt >= BackoffMilliseconds.Length) return response;
                Log.Warning("{Registry} answered {Status} to {Method} {Path}; retrying", repository.Host, (int)response.StatusCode, method, path);
                response.Dispose();
            }
            catch (HttpRequestException e) when (attempt < BackoffMilliseconds.Length)
            {
                Log.Warning("{Registry} dropped {Method} {Path} ({Error}); retrying", repository.Host, method, path, e.Message);
            }
            catch (HttpRequestException e)
            {
                throw new RegistryException($"{repository.Host} is unreachable ({e.Message}) after {BackoffMilliseconds.Length + 1} attempts; check the registry address and that it is running.", e);
            }
            await Task.Delay(BackoffMilliseconds[attempt], ct);
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string path, string[]? accept, string scope, Func<HttpContent>? content)
    {
        var request = new HttpRequestMessage(method, new Uri(repository.BaseAddress, path)) { Content = content?.Invoke() };
        foreach (var type in accept ?? []) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        if (_authorization.TryGetValue(scope, out var header)) request.Headers.Authorization = header;
        return request;
    }

    /// <summary>Answers a 401 challenge: Basic with the credentials, or Bearer by fetching a token from the realm.</summary>
    private async Task<bool> AuthenticateAsync(HttpResponseMessage challenge, string scope, CancellationToken ct)
    {
        var header = challenge.Headers.WwwAuthenticate.FirstOrDefault();
        var basic = password is null ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username ?? "token"}:{password}")));
        if (header is null) return false;
        if (header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            if (basic is null) return false;
            _authorization[scope] = basic;
            return true;
        }
        var parameters = BearerChallenge.Parse(header.Parameter ?? "");
        if (!parameters.TryGetValue("realm", out var realm)) return false;
        var query = string.Join("&", new[] { "service", "scope" }.Where(parameters.ContainsKey).Select(k => $"{k}={Uri.EscapeDataString(parameters[k])}"));
        using var request = new HttpRequestMessage(HttpMethod.Get, query == "" ? realm : $"{realm}?{query}");
        if (basic is not null) request.Headers.Authorization = basic;
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            throw new RegistryException($"{repository.Host} refused a token for {repository.Name} ({(int)response.StatusCode}); check the registry credentials (--registry-username/--registry-password).");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var token = document.RootElement.TryGetProperty("token", out var t) ? t.GetString()
            : document.RootElement.TryGetProperty("access_token", out var a) ? a.GetString() : null;
        if (string.IsNullOrEmpty(token)) return false;
        Pipeline.Host.SecretMasker.Register(token);
        _authorization[scope] = new AuthenticationHeaderValue("Bearer", token);
        return true;
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string action)
    {
        if (response.IsSuccessStatusCode) return;
        var status = (int)response.StatusCode;
        var fix = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "pass credentials with --registry-username/--registry-password (or log in)",
            HttpStatusCode.Forbidden => "the credentials lack permission for this repository; use a token that may read and delete it",
            _ => "check the registry's health and retry",
        };
        var body = (await response.Content.ReadAsStringAsync()).ReplaceLineEndings(" ");
        throw new RegistryException($"Could not {action} {repository} ({status} {response.ReasonPhrase}{(body == "" ? "" : ": " + body[..Math.Min(body.Length, 120)])}); {fix}.");
    }

    private static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links)) return null;
        var link = links.FirstOrDefault(l => l.Contains("rel=\"next\""));
        if (link is null) return null;
        var target = link[(link.IndexOf('<') + 1)..link.IndexOf('>')];
        return target.TrimStart('/');
    }
}

/// <summary>A manifest as served; <see cref="Digest"/> is the sha256 of its exact bytes.</summary>
public sealed record ManifestResponse(string Json, string? ContentType, string Digest);

internal static class BearerChallenge
{
    /// <summary>realm="https://…",service="…",scope="repository:x:pull" → dictionary.</summary>
    public static Dictionary<string, string> Parse(string parameter)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(parameter, "(\\w+)=\"([^\"]*)\""))
            result[m.Groups[1].Value] = m.Groups[2].Value;
        return result;
    }
}
