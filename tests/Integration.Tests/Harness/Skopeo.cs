using System.Text.Json.Nodes;

namespace Integration.Tests.Harness;

/// <summary>Reads images back with skopeo: a tool other than the one that pushed them (buildx or the pipeline).</summary>
public static class Skopeo
{
    /// <summary>The raw manifest of a reference and the digest of exactly those bytes.</summary>
    public static async Task<RegistryManifest> InspectRawAsync(string reference)
    {
        var (exitCode, bytes, error) = await ProcessRunner.RunForBytesAsync("skopeo",
            ["inspect", "--raw", "--tls-verify=false", "docker://" + reference], timeout: TimeSpan.FromMinutes(2));
        if (exitCode != 0) throw new InvalidOperationException($"skopeo inspect --raw docker://{reference} failed ({exitCode}): {error.Trim()}");
        var mediaType = (string?)JsonNode.Parse(bytes)?["mediaType"] ?? "";
        return new RegistryManifest(RegistryManifest.Sha256(bytes), mediaType, bytes);
    }

    public static async Task<IReadOnlyList<string>> ListTagsAsync(string repository)
    {
        var result = await ProcessRunner.RunAsync("skopeo", ["list-tags", "--tls-verify=false", "docker://" + repository],
            timeout: TimeSpan.FromMinutes(2));
        if (!result.Succeeded) throw new InvalidOperationException($"skopeo list-tags docker://{repository} failed: {result.StandardError.Trim()}");
        return JsonNode.Parse(result.StandardOutput)!["Tags"]!.AsArray().Select(t => (string)t!).Order(StringComparer.Ordinal).ToList();
    }
}
