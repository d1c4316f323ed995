using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Integration.Tests.Harness;

/// <summary>A manifest exactly as the registry served it: its digest is recomputed from the bytes.</summary>
public sealed record RegistryManifest(string Digest, string MediaType, byte[] Bytes)
{
    public JsonObject Json => JsonNode.Parse(Bytes)!.AsObject();

    public bool IsIndex => MediaType is "application/vnd.oci.image.index.v1+json" or "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>"os/arch[/variant]" of an index's image manifests; buildx's attestation entries (unknown/unknown) excluded.</summary>
    public IReadOnlyList<string> Platforms => IsIndex
        ? Json["manifests"]!.AsArray().Select(m => m!["platform"]).Where(p => p is not null && (string?)p["os"] != "unknown")
            .Select(p => $"{p!["os"]}/{p["architecture"]}" + (p["variant"] is { } v ? $"/{v}" : "")).ToList()
        : [];

    /// <summary>Digests of the index's entries per platform.</summary>
    public IReadOnlyDictionary<string, string> PlatformDigests => IsIndex
        ? Json["manifests"]!.AsArray().Where(m => m!["platform"] is { } p && (string?)p["os"] != "unknown")
            .ToDictionary(m => $"{m!["platform"]!["os"]}/{m["platform"]!["architecture"]}", m => (string)m!["digest"]!)
        : new Dictionary<string, string>();

    public static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}

/// <summary>
/// Reads the test registry through the distribution HTTP API (plain HTTP on loopback): a second opinion that does
/// not share code with docker, buildx or the pipeline. Repositories are paths without the host ("it-x/devcontainer");
/// <c>authorization</c> goes with every request (a registry that wants credentials).
/// </summary>
public sealed class RegistryHttp(string address, System.Net.Http.Headers.AuthenticationHeaderValue? authorization = null) : IDisposable
{
    public const string ManifestMediaTypes =
        "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, " +
        "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

    readonly HttpClient _http = new() { BaseAddress = new Uri($"http://{address}/"), Timeout = TimeSpan.FromSeconds(30), DefaultRequestHeaders = { Authorization = authorization } };

    public string Address => address;

    public async Task<IReadOnlyList<string>> TagsAsync(string repository)
    {
        using var response = await _http.GetAsync($"v2/{repository}/tags/list");
        if (response.StatusCode == HttpStatusCode.NotFound) return [];
        response.EnsureSuccessStatusCode();
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return json["tags"]?.AsArray().Select(t => (string)t!).Order(StringComparer.Ordinal).ToList() ?? [];
    }

    /// <summary>The manifest for a tag or digest, or null when the registry does not have it.</summary>
    public async Task<RegistryManifest?> ManifestAsync(string repository, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{reference}");
        request.Headers.Accept.ParseAdd(ManifestMediaTypes);
        using var response = await _http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var digest = RegistryManifest.Sha256(bytes);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var served) && served.First() != digest)
            throw new InvalidOperationException($"registry served {repository}@{reference} as {served.First()} but its bytes hash to {digest}");
        return new RegistryManifest(digest, response.Content.Headers.ContentType?.MediaType ?? "", bytes);
    }

    /// <summary>A blob's bytes (e.g. an image config), checked against its digest.</summary>
    public async Task<byte[]> BlobAsync(string repository, string digest)
    {
        var bytes = await _http.GetByteArrayAsync($"v2/{repository}/blobs/{digest}");
        return RegistryManifest.Sha256(bytes) == digest ? bytes
            : throw new InvalidOperationException($"blob {repository}@{digest} does not hash to its digest");
    }

    public async Task<bool> BlobExistsAsync(string repository, string digest)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"v2/{repository}/blobs/{digest}");
        using var response = await _http.SendAsync(request);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Puts a manifest's exact bytes under a tag (its blobs must be in the repository): what any token with write access can do.</summary>
    public async Task PutManifestAsync(string repository, string tag, RegistryManifest manifest)
    {
        using var content = new ByteArrayContent(manifest.Bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(manifest.MediaType);
        using var response = await _http.PutAsync($"v2/{repository}/manifests/{tag}", content);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Repositories under a namespace (the catalog, paged through).</summary>
    public async Task<IReadOnlyList<string>> RepositoriesAsync(string namespacePrefix)
    {
        var found = new List<string>();
        string? last = null;
        while (true)
        {
            var url = "v2/_catalog?n=1000" + (last is null ? "" : "&last=" + Uri.EscapeDataString(last));
            var page = JsonNode.Parse(await _http.GetStringAsync(url))!["repositories"]?.AsArray().Select(r => (string)r!).ToList() ?? [];
            found.AddRange(page.Where(r => r.StartsWith(namespacePrefix + "/", StringComparison.Ordinal)));
            if (page.Count < 1000) return found;
            last = page[^1];
        }
    }

    public void Dispose() => _http.Dispose();
}
