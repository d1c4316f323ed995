using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace TrivyDouble;

/// <summary>
/// `trivy image &lt;reference&gt;`: reads the image's index, the platform's manifest and its config from the registry over the
/// distribution API, as Trivy's remote image source does (layers are never read). Only loopback registries, over plain
/// HTTP, and only with --insecure (what the pipeline passes for them): the double never leaves the machine. Credentials
/// are docker login's (DOCKER_CONFIG/config.json auths), sent when the registry asks (Basic).
/// </summary>
internal static class RegistryImage
{
    static readonly string[] ManifestTypes =
    [
        "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
    ];

    public static ImageFacts Read(string reference, string? platform, bool insecure, IReadOnlyList<string>? imageSources, IReadOnlyDictionary<string, string?> env)
    {
        if (imageSources is { Count: > 0 } && !imageSources.Contains("remote"))
            throw new DoubleUsageException($"unable to find the image \"{reference}\": trivy-test-double reads images only from a registry (--image-src remote)");
        var (host, name, version) = Parse(reference);
        if (!IsLoopback(host))
            throw new DoubleUsageException($"{reference}: trivy-test-double reads only loopback registries (it never leaves the machine)");
        if (!insecure)
            throw new DoubleUsageException($"{reference}: http: server gave HTTP response to HTTPS client (pass --insecure for a plain-HTTP registry)");
        using var http = new HttpClient { BaseAddress = new Uri($"http://{host}/v2/{name}/"), Timeout = TimeSpan.FromSeconds(60) };
        var basic = Credentials(host, env);
        byte[] Get(string path, bool manifest)
        {
            for (var withAuth = false; ; withAuth = true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                if (manifest) foreach (var type in ManifestTypes) request.Headers.Accept.ParseAdd(type);
                if (withAuth) request.Headers.Authorization = basic;
                using var response = http.Send(request);
                if (response.StatusCode == HttpStatusCode.Unauthorized && !withAuth && basic is not null) continue;
                if (!response.IsSuccessStatusCode)
                    throw new DoubleUsageException($"{reference}: GET {path}: {(int)response.StatusCode} {response.ReasonPhrase}");
                return response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            }
        }
        var top = JsonNode.Parse(Get("manifests/" + version, manifest: true))!.AsObject();
        if (top["manifests"] is null)
        {
            // A single image manifest: its own platform is what it is.
            var wrapped = new JsonObject { ["manifests"] = new JsonArray(new JsonObject { ["mediaType"] = "application/vnd.oci.image.manifest.v1+json", ["digest"] = version }) };
            return OciArchive.Describe(wrapped, digest => digest == version ? Encoding.UTF8.GetBytes(top.ToJsonString()) : Get("blobs/" + digest, false), null, reference);
        }
        var manifests = top["manifests"]!.AsArray().Select(m => (string)m!["digest"]!).ToHashSet();
        return OciArchive.Describe(top, digest => Get((manifests.Contains(digest) ? "manifests/" : "blobs/") + digest, manifests.Contains(digest)), platform, reference);
    }

    static (string Host, string Name, string Version) Parse(string reference)
    {
        var slash = reference.IndexOf('/');
        if (slash <= 0) throw new DoubleUsageException($"{reference}: trivy-test-double needs host/name@digest or host/name:tag");
        var host = reference[..slash];
        var rest = reference[(slash + 1)..];
        var at = rest.IndexOf('@');
        if (at > 0) return (host, rest[..at], rest[(at + 1)..]);
        var colon = rest.LastIndexOf(':');
        return colon > 0 ? (host, rest[..colon], rest[(colon + 1)..]) : (host, rest, "latest");
    }

    static bool IsLoopback(string host) =>
        host.StartsWith("127.", StringComparison.Ordinal) || host.StartsWith("localhost", StringComparison.Ordinal) || host.StartsWith("[::1]", StringComparison.Ordinal);

    static AuthenticationHeaderValue? Credentials(string host, IReadOnlyDictionary<string, string?> env)
    {
        var directory = env.GetValueOrDefault("DOCKER_CONFIG") is { Length: > 0 } d ? d : Path.Combine(env.GetValueOrDefault("HOME") ?? "/", ".docker");
        var file = Path.Combine(directory, "config.json");
        if (!File.Exists(file)) return null;
        var auth = JsonNode.Parse(File.ReadAllText(file))?["auths"]?[host]?["auth"]?.GetValue<string>();
        return auth is { Length: > 0 } ? new AuthenticationHeaderValue("Basic", auth) : null;
    }
}
