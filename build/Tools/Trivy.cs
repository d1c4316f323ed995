using Pipeline.Host.Tooling;

namespace Pipeline.Tools;

/// <summary>
/// Trivy, version-pinned. The version below is the one this build is written and tested against; Scan records the
/// version each report names in the manifest and warns when it differs. Bump both on purpose, never by tag.
/// </summary>
public static class Trivy
{
    public const string PinnedVersion = "0.67.2";
    public const string Image = "aquasec/trivy:0.67.2@sha256:e2b22eac59c02003d8749f5b8d9bd073b62e30fefaef5b7c8371204e0a4b0c08";
    public const string InstallHint = "install Trivy " + PinnedVersion + " (see README, Scanning) or set TRIVY_EXE.";

    public static ToolLocation Locate(IReadOnlyDictionary<string, string?>? environment = null) => ToolLocation.Resolve("trivy", Image, InstallHint, environment);

    /// <summary>
    /// `trivy image --config trivy.yaml --input archive --format F --output out [--platform p] [--cache-dir d]`, or for an
    /// image in a registry `trivy image ... --image-src remote [--insecure] repo@digest`: read from the registry by digest
    /// (not from a same-named image in the local Docker store), over plain HTTP for a loopback registry (Trivy's global
    /// --insecure); --platform picks the platform's manifest out of the index.
    /// </summary>
    public static IReadOnlyList<string> ImageArguments(TrivyImageScan scan)
    {
        var arguments = new List<string> { "image", "--config", scan.ConfigFile };
        if (scan.Archive is not null) arguments.AddRange(["--input", scan.Archive]);
        arguments.AddRange(["--format", scan.Format, "--output", scan.Output]);
        if (scan.Platform is not null) arguments.AddRange(["--platform", scan.Platform]);
        if (scan.CacheDirectory is not null) arguments.AddRange(["--cache-dir", scan.CacheDirectory]);
        // trivy.yaml ignores unfixed findings (they do not block a release); a re-scan reports them too.
        if (scan.IncludeUnfixed) arguments.Add("--ignore-unfixed=false");
        if (scan.Reference is not null)
        {
            arguments.AddRange(["--image-src", "remote"]);
            if (RegistryHost.IsLoopback(scan.Reference)) arguments.Add("--insecure");
            arguments.Add(scan.Reference);
        }
        return arguments;
    }

    /// <summary>
    /// `trivy sbom --config trivy.yaml --scanners vuln --format json --output out [--cache-dir d] sbom.cdx.json`: today's
    /// vulnerability data against a published image's attested SBOM. Only the vulnerability scanner reads an SBOM (the
    /// secret scan ran on the image's layers when it was published, and those have not changed).
    /// </summary>
    public static IReadOnlyList<string> SbomArguments(TrivySbomScan scan)
    {
        var arguments = new List<string> { "sbom", "--config", scan.ConfigFile, "--scanners", "vuln", "--format", "json", "--output", scan.Output };
        if (scan.CacheDirectory is not null) arguments.AddRange(["--cache-dir", scan.CacheDirectory]);
        arguments.Add(scan.Sbom);
        return arguments;
    }

    /// <summary>`trivy convert --format sarif --output out report.json`: Trivy's SARIF of a JSON report it wrote (no scan, no database).</summary>
    public static IReadOnlyList<string> SarifArguments(string report, string output) => ["convert", "--format", "sarif", "--output", output, report];

    public static IReadOnlyList<string> HostPaths(TrivySbomScan scan) =>
        new[] { scan.ConfigFile, scan.Sbom, scan.Output, scan.CacheDirectory }.OfType<string>().ToList();

    public static IReadOnlyList<string> HostPaths(TrivyImageScan scan) =>
        new[] { scan.ConfigFile, scan.Archive, scan.Output, scan.CacheDirectory }.OfType<string>().ToList();

    /// <summary>One platform of an image in a registry, scanned there by digest.</summary>
    public static TrivyImageScan OfReference(string reference, string configFile, string format, string output, string platform, string? cacheDirectory,
        bool includeUnfixed = false) =>
        new(null, configFile, format, output, platform, cacheDirectory, reference, includeUnfixed);
}

/// <summary>
/// One Trivy image scan of an OCI archive, or (<paramref name="Reference"/>) of an image in a registry: JSON report (format "json") or SBOM (format "cyclonedx").
/// <paramref name="IncludeUnfixed"/>: report findings without a fixed version too (Refresh), whatever trivy.yaml says.
/// </summary>
public sealed record TrivyImageScan(string? Archive, string ConfigFile, string Format, string Output, string? Platform = null, string? CacheDirectory = null,
    string? Reference = null, bool IncludeUnfixed = false);

/// <summary>One Trivy scan of a CycloneDX SBOM (a reused image's attested one) into a JSON report.</summary>
public sealed record TrivySbomScan(string Sbom, string ConfigFile, string Output, string? CacheDirectory = null);
