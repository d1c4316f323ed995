using System.Text;
using System.Text.Json;
using Pipeline.Host.Tooling;

namespace Pipeline.Tools;

/// <summary>
/// The registry credentials `docker login` left, read the way skopeo and cosign read them, for the build's own registry
/// HTTP calls (a merged index or an SBOM put by digest): $DOCKER_CONFIG/config.json (else ~/.docker/config.json),
/// <c>credHelpers[host]</c> or <c>credsStore</c> (<c>docker-credential-&lt;name&gt; get</c>, host on stdin), else
/// <c>auths[host].auth</c> (base64 user:password) or its <c>identitytoken</c>. None found: anonymous (a public or
/// loopback registry). Passwords are registered with the secret masker, so no log line shows them.
/// </summary>
public static class DockerCredentials
{
    public sealed record Credentials(string? Username, string? Password);

    public static readonly Credentials Anonymous = new(null, null);

    public static async Task<Credentials> ForAsync(string host, IReadOnlyDictionary<string, string?> environment, CancellationToken ct = default)
    {
        var directory = environment.GetValueOrDefault("DOCKER_CONFIG") is { Length: > 0 } configured ? configured
            : Path.Combine(environment.GetValueOrDefault("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        var file = Path.Combine(directory, "config.json");
        if (!File.Exists(file)) return Anonymous;
        var (helper, inline) = Parse(File.ReadAllText(file), host);
        var found = helper is not null ? await FromHelperAsync(helper, host, ct) : inline;
        Pipeline.Host.SecretMasker.Register(found.Password);
        return found;
    }

    /// <summary>Pure: the credential helper that serves <paramref name="host"/>, else the credentials stored inline for it.</summary>
    public static (string? Helper, Credentials Inline) Parse(string configJson, string host)
    {
        using var config = JsonDocument.Parse(configJson);
        var root = config.RootElement;
        if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object
            && FindHost(helpers, host) is { ValueKind: JsonValueKind.String } helper)
            return (helper.GetString(), Anonymous);
        if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object && FindHost(auths, host) is { ValueKind: JsonValueKind.Object } entry)
        {
            if (entry.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } encoded)
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                var colon = pair.IndexOf(':');
                if (colon > 0) return (null, new Credentials(pair[..colon], pair[(colon + 1)..]));
            }
            if (entry.TryGetProperty("identitytoken", out var token) && token.GetString() is { Length: > 0 } identity)
                return (null, new Credentials("<token>", identity));
        }
        return root.TryGetProperty("credsStore", out var store) && store.GetString() is { Length: > 0 } name ? (name, Anonymous) : (null, Anonymous);
    }

    /// <summary>A key of docker's config naming the host: the host itself, or a URL of it (https://host, https://host/v1/).</summary>
    static JsonElement? FindHost(JsonElement map, string host)
    {
        foreach (var property in map.EnumerateObject())
        {
            var key = property.Name;
            var bare = key.Contains("://", StringComparison.Ordinal) ? key[(key.IndexOf("://", StringComparison.Ordinal) + 3)..] : key;
            if (bare.TrimEnd('/').Split('/')[0].Equals(host, StringComparison.OrdinalIgnoreCase)) return property.Value;
        }
        return null;
    }

    static async Task<Credentials> FromHelperAsync(string helper, string host, CancellationToken ct)
    {
        var executable = ToolResolver.TryResolve("docker-credential-" + helper);
        if (executable is null) return Anonymous; // docker itself would fail the same way; the registry then answers 401 with its reason
        var result = await ToolRunner.RunAsync(executable, ["get"], Directory.GetCurrentDirectory(), null, logOutput: false, standardInput: host, cancellationToken: ct);
        if (!result.Succeeded) return Anonymous; // "credentials not found": anonymous, as docker
        using var answer = JsonDocument.Parse(result.StandardOutput);
        return new Credentials(answer.RootElement.GetProperty("Username").GetString(), answer.RootElement.GetProperty("Secret").GetString());
    }
}
