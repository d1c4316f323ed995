using System.Text.Json;
using Pipeline.Host.Tooling;

namespace Integration.Tests.Retention;

/// <summary>
/// Runs the real tools (docker buildx, cosign, skopeo) with the toolchain's environment,
/// and reads the registry's API directly for assertions.
/// </summary>
internal static class RetentionTools
{
    public const string Registry = "127.0.0.1:5000";
    private static readonly HttpClient Http = new() { BaseAddress = new Uri($"http://{Registry}/") };
    private static readonly Lazy<Dictionary<string, string?>> Environment = new(() => new(Integration.Tests.Harness.ToolchainEnvironment.Variables));

    public static async Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>(Environment.Value);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) environment[key] = value;
        var resolveWith = new Dictionary<string, string?>(environment) { ["PATH"] = environment.GetValueOrDefault("PATH") ?? System.Environment.GetEnvironmentVariable("PATH") };
        var path = ToolResolver.Resolve(tool, "start the container toolchain", resolveWith);
        return await ToolRunner.RunAsync(path, arguments, workingDirectory, environment, logOutput: false);
    }

    public static async Task<ToolResult> RunCheckedAsync(string tool, IReadOnlyList<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var result = await RunAsync(tool, arguments, workingDirectory, extra);
        if (!result.Succeeded) throw new InvalidOperationException($"{tool} {string.Join(" ", arguments)} failed ({result.ExitCode}): {result.StandardError}{result.StandardOutput}");
        return result;
    }

    public static async Task<IReadOnlyList<string>> TagsAsync(string name)
    {
        using var response = await Http.GetAsync($"v2/{name}/tags/list");
        if (!response.IsSuccessStatusCode) return [];
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("tags") is { ValueKind: JsonValueKind.Array } tags ? tags.EnumerateArray().Select(t => t.GetString()!).ToList() : [];
    }

    /// <summary>The digest a reference (tag or digest) resolves to, or null when the registry does not have it.</summary>
    public static async Task<string?> DigestAsync(string name, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"v2/{name}/manifests/{reference}");
        foreach (var type in Pipeline.Retention.OciMediaTypes.AcceptedManifests) request.Headers.Accept.ParseAdd(type);
        using var response = await Http.SendAsync(request);
        return response.IsSuccessStatusCode ? response.Headers.GetValues("Docker-Content-Digest").Single() : null;
    }

    public static async Task<IReadOnlyList<string>> ChildrenAsync(string name, string digest)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{name}/manifests/{digest}");
        request.Headers.Accept.ParseAdd(Pipeline.Retention.OciMediaTypes.ImageIndex);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("manifests").EnumerateArray().Select(m => m.GetProperty("digest").GetString()!).ToList();
    }

    public static async Task DeleteAsync(string name, string digest) =>
        (await Http.DeleteAsync($"v2/{name}/manifests/{digest}")).EnsureSuccessStatusCode();
}
