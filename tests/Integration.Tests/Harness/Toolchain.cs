using System.Net.Http;

namespace Integration.Tests.Harness;

/// <summary>The decision for integration tests: run, skip (locally) or fail (CI=true), with the one message to show.</summary>
public sealed record ToolchainVerdict(bool Available, string? SkipReason, string? FailureMessage);

/// <summary>
/// Detects the real container toolchain (dockerd, buildx, the registry on 127.0.0.1:5000 with its base image,
/// cosign, skopeo) once per test run. Locally a missing piece skips every integration test with one message naming
/// the command that starts the toolchain; with CI=true it fails them instead, so CI can never pass by skipping.
/// </summary>
public static class Toolchain
{
    public const string StartCommand =
        "../shared/tools/container-toolchain start && eval \"$(../shared/tools/container-toolchain env)\"";

    static readonly Lazy<ToolchainVerdict> VerdictLazy = new(() =>
        Decide(DetectMissing(), IsCi(Environment.GetEnvironmentVariable("CI"))));

    public static ToolchainVerdict Verdict => VerdictLazy.Value;

    /// <summary>Call first in every integration test: throws the CI failure (or, for a test not marked
    /// [IntegrationFact], the skip reason) when the toolchain is missing.</summary>
    public static void Require()
    {
        var verdict = Verdict;
        if (!verdict.Available) throw new InvalidOperationException(verdict.FailureMessage ?? verdict.SkipReason);
    }

    public static bool IsCi(string? ciVariable) =>
        string.Equals(ciVariable, "true", StringComparison.OrdinalIgnoreCase) || ciVariable == "1";

    /// <summary>The pure decision, tested with fake inputs.</summary>
    public static ToolchainVerdict Decide(IReadOnlyList<string> missing, bool isCi)
    {
        if (missing.Count == 0) return new ToolchainVerdict(true, null, null);
        var what = string.Join(", ", missing);
        return isCi
            ? new ToolchainVerdict(false, null,
                $"CI=true and the container toolchain is not usable (missing: {what}); .ci/run must start it: {StartCommand} " +
                "(on GitHub Actions, test.yml's toolchain job needs a runner where it runs, its environment set: README, CI workflows, checklist)")
            : new ToolchainVerdict(false,
                $"Container toolchain not running (missing: {what}); start it with: {StartCommand}", null);
    }

    /// <summary>What is missing, by asking the real tools (bounded, a few seconds at most).</summary>
    public static IReadOnlyList<string> DetectMissing()
    {
        var missing = new List<string>();
        var path = ToolchainEnvironment.Get("PATH");
        foreach (var tool in new[] { "docker", "cosign", "skopeo" })
            if (ProcessRunner.FindExecutable(tool, path) is null) missing.Add(tool + " on PATH");
        if (!missing.Contains("docker on PATH"))
        {
            if (!Answers("docker", ["info", "--format", "{{.ServerVersion}}"])) missing.Add("dockerd (docker info)");
            if (!Answers("docker", ["buildx", "version"])) missing.Add("docker buildx");
        }
        var registry = ToolchainEnvironment.RegistryAddress;
        if (!HttpOk($"http://{registry}/v2/")) missing.Add($"registry at {registry}");
        else if (!HttpOk($"http://{registry}/v2/base/busybox/manifests/latest", head: true))
            missing.Add($"base image {registry}/base/busybox:latest");
        return missing;
    }

    static bool Answers(string tool, string[] arguments)
    {
        try
        {
            return ProcessRunner.RunAsync(tool, arguments, timeout: TimeSpan.FromSeconds(20)).GetAwaiter().GetResult().Succeeded;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    static bool HttpOk(string url, bool head = false)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(head ? HttpMethod.Head : HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd(RegistryHttp.ManifestMediaTypes);
        try { return http.Send(request).IsSuccessStatusCode; }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
    }
}
