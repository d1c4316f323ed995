using System.Net.Http;
using Xunit;

namespace Integration.Tests.Harness;

/// <summary>
/// What the real-image tests need beyond the toolchain: its Ubuntu base image (CONTAINER_TOOLCHAIN_UBUNTU_BASE, in the
/// registry) and the devcontainer CLI. Like <see cref="Toolchain"/>: skipped locally with one message naming the fix,
/// failed with CI=true so CI can never pass by skipping.
/// </summary>
public static class RealImageRequirements
{
    public const string UbuntuBaseVariable = "CONTAINER_TOOLCHAIN_UBUNTU_BASE";

    static readonly Lazy<ToolchainVerdict> VerdictLazy = new(() =>
        Decide(Toolchain.Verdict.Available ? DetectMissing() : ["the container toolchain"], Toolchain.IsCi(Environment.GetEnvironmentVariable("CI"))));

    public static ToolchainVerdict Verdict => VerdictLazy.Value;

    /// <summary>Throws the CI failure (or the skip reason) when something is missing.</summary>
    public static void Require()
    {
        Toolchain.Require();
        var verdict = Verdict;
        if (!verdict.Available) throw new InvalidOperationException(verdict.FailureMessage ?? verdict.SkipReason);
    }

    /// <summary>The pure decision, tested with fake inputs.</summary>
    public static ToolchainVerdict Decide(IReadOnlyList<string> missing, bool isCi)
    {
        if (missing.Count == 0) return new ToolchainVerdict(true, null, null);
        var what = string.Join(", ", missing);
        var fix = $"start the toolchain ({Toolchain.StartCommand}) and install the CLI ({DevcontainerCli.InstallCommand})";
        return isCi
            ? new ToolchainVerdict(false, null, $"CI=true and the real-image tests cannot run (missing: {what}); .ci/run must {fix}")
            : new ToolchainVerdict(false, $"Real-image tests need (missing: {what}): {fix}", null);
    }

    /// <summary>The Ubuntu base the real bake file builds on, as the toolchain names it.</summary>
    public static string? UbuntuBase => ToolchainEnvironment.Get(UbuntuBaseVariable) is { Length: > 0 } b ? b : null;

    public static IReadOnlyList<string> DetectMissing()
    {
        var missing = new List<string>();
        if (UbuntuBase is not { } ubuntu) missing.Add($"{UbuntuBaseVariable} (the toolchain's Ubuntu base)");
        else if (!InRegistry(ubuntu)) missing.Add($"base image {ubuntu}");
        if (DevcontainerCli.Find() is null) missing.Add($"the devcontainer CLI ({DevcontainerCli.Variable}, .ci/devcontainer-cli or PATH)");
        return missing;
    }

    /// <summary>HEAD on host/repository:tag through the registry API (the toolchain's registry is plain HTTP).</summary>
    static bool InRegistry(string reference)
    {
        var slash = reference.IndexOf('/');
        var colon = reference.LastIndexOf(':');
        if (slash < 0 || colon < slash) return false;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Head,
            $"http://{reference[..slash]}/v2/{reference[(slash + 1)..colon]}/manifests/{reference[(colon + 1)..]}");
        request.Headers.Accept.ParseAdd(RegistryHttp.ManifestMediaTypes);
        try { return http.Send(request).IsSuccessStatusCode; }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
    }
}

/// <summary>A [Fact] on the real image: skipped locally when <see cref="RealImageRequirements"/> says so, failed under CI=true.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RealImageFactAttribute : FactAttribute
{
    public RealImageFactAttribute()
    {
        if (RealImageRequirements.Verdict.SkipReason is { } reason) Skip = reason;
    }
}
