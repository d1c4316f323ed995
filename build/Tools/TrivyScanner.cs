using Pipeline.Host.Tooling;

namespace Pipeline.Tools;

/// <summary>
/// Runs Trivy for Scan and Sbom: one platform's image at a time, read from its registry by digest, or from an archive
/// (Trivy reads only an archive's first image and ignores --platform for archives, so each platform is extracted into a
/// layout of its own first), or a published image's attested SBOM. Each call returns Trivy's exit code; a missing output is an error whatever the exit code.
/// </summary>
public sealed class TrivyScanner(ToolLocation trivy, string configFile, string temporaryDirectory, string workingDirectory)
{
    string CacheDirectory => Path.Combine(temporaryDirectory, "trivy-cache");

    /// <summary>Scans (or lists, with format cyclonedx) one platform of <paramref name="archivePath"/> into <paramref name="output"/>.</summary>
    public async Task<int> ImageAsync(string permutationId, string archivePath, OciArchiveInfo archive, string platform, string format, string output)
    {
        Prepare(output);
        // One layout per call: Scan and Sbom, and other runs in this checkout, may run side by side; each deletes its own.
        var input = Path.Combine(temporaryDirectory, "trivy-input",
            $"{permutationId}.{PlatformScanReports.FileSuffix(platform)}.{format}.{Path.GetRandomFileName().Replace(".", "")}.tar");
        try
        {
            PlatformLayout.Extract(archivePath, archive, platform, input);
            var scan = new TrivyImageScan(input, configFile, format, output, platform, CacheDirectory);
            return await RunAsync(Trivy.ImageArguments(scan), Trivy.HostPaths(scan), output, $"{format} output for {permutationId} {platform}");
        }
        finally
        {
            if (File.Exists(input)) File.Delete(input);
        }
    }

    /// <summary>
    /// Scans (or lists) one platform of an image in a registry, by digest, into <paramref name="output"/>: Trivy pulls only
    /// what it has not analysed before (its layer cache in the cache directory is shared by every permutation).
    /// </summary>
    public async Task<int> RegistryImageAsync(string permutationId, string reference, string platform, string format, string output, bool includeUnfixed = false)
    {
        Prepare(output);
        var scan = Trivy.OfReference(reference, configFile, format, output, platform, CacheDirectory, includeUnfixed);
        // A containerised Trivy reads docker login's credentials from the same DOCKER_CONFIG, mounted at the same path.
        var config = Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } dockerConfig && Directory.Exists(dockerConfig) ? dockerConfig : null;
        var paths = config is null ? Trivy.HostPaths(scan) : [.. Trivy.HostPaths(scan), config];
        var environment = config is null ? null : new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config };
        return await RunAsync(Trivy.ImageArguments(scan), paths, output, $"{format} output for {permutationId} {platform} ({reference})", environment);
    }

    /// <summary>Scans a reused image's attested SBOM with today's vulnerability data (`trivy sbom`): no image bytes needed.</summary>
    public async Task<int> SbomAsync(string permutationId, string sbom, string output)
    {
        Prepare(output);
        var scan = new TrivySbomScan(sbom, configFile, output, CacheDirectory);
        return await RunAsync(Trivy.SbomArguments(scan), Trivy.HostPaths(scan), output, $"report for the SBOM of {permutationId}");
    }

    /// <summary>Trivy's SARIF of one of its JSON reports (`trivy convert`), for code scanning; a non-zero exit is an error.</summary>
    public async Task SarifAsync(string what, string report, string output)
    {
        ClearOutput(output); // trivy convert reads no trivy.yaml
        if (await RunAsync(Trivy.SarifArguments(report, output), [report, output], output, $"SARIF of {what}") is var exit and not 0)
            throw new InvalidOperationException($"Trivy exited {exit} converting the report of {what} to SARIF; {ToolOutputPolicy.WhereFailedOutputIs()}.");
    }

    /// <summary>Runs Trivy; its exit code, or an error naming <paramref name="what"/> when it wrote no output.</summary>
    async Task<int> RunAsync(IReadOnlyList<string> arguments, IReadOnlyList<string> hostPaths, string output, string what,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var result = await trivy.RunAsync(arguments, hostPaths, workingDirectory, environment);
        if (!File.Exists(output))
            throw new InvalidOperationException($"Trivy wrote no {what} (exit {result.ExitCode}): {ToolOutput.LastLine(result.StandardError)}; {ToolOutputPolicy.WhereFailedOutputIs()}.");
        return result.ExitCode;
    }

    void Prepare(string output)
    {
        ClearOutput(output);
        if (!File.Exists(configFile))
            throw new InvalidOperationException($"{configFile} is missing; restore the committed trivy.yaml.");
    }

    /// <summary>No earlier file at <paramref name="output"/> (a stale report must never pass for this run's), and its folder.</summary>
    static void ClearOutput(string output)
    {
        if (File.Exists(output)) File.Delete(output);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    }
}
