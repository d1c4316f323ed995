using System.Text.RegularExpressions;
using Pipeline.Host.Tooling;

namespace Pipeline.Tools;

/// <summary>
/// skopeo arguments. The digest-preserving push is
/// `skopeo copy --all --preserve-digests oci-archive:&lt;archive&gt; docker://&lt;repo&gt;@&lt;index digest&gt;`:
/// every platform, attestation manifests included, byte for byte, so the registry's digest is the archive's.
/// Loopback registries are plain HTTP (as Docker treats them), hence the tls-verify=false flags.
/// </summary>
public static class Skopeo
{
    public const string InstallHint = "install skopeo (apt-get install skopeo) or set SKOPEO_EXE.";

    /// <summary>skopeo from SKOPEO_EXE, else PATH (no container fallback).</summary>
    public static ToolLocation Locate() => new("skopeo", ToolResolver.Resolve("skopeo", InstallHint), null, "");

    public static IReadOnlyList<string> PushArchiveArguments(string archive, string? refName, string digestReference, bool plainHttp) =>
        ["copy", "--all", "--preserve-digests", .. DestinationTls(plainHttp), "oci-archive:" + archive + (refName is null ? "" : ":" + refName), "docker://" + digestReference];

    /// <summary>Points a tag at an already pushed digest in the same repository (manifests only; blobs are there).</summary>
    public static IReadOnlyList<string> TagArguments(string digestReference, string tagReference, bool plainHttp) =>
        ["copy", "--all", "--preserve-digests", .. SourceTls(plainHttp), .. DestinationTls(plainHttp), "docker://" + digestReference, "docker://" + tagReference];

    /// <summary>A published image, every platform and digests preserved, into an OCI archive (a reused image's bytes).</summary>
    public static IReadOnlyList<string> CopyToArchiveArguments(string sourceReference, string archive, bool plainHttp) =>
        ["copy", "--all", "--preserve-digests", .. SourceTls(plainHttp), "docker://" + sourceReference, "oci-archive:" + archive];

    public static IReadOnlyList<string> InspectRawArguments(string reference, bool plainHttp) =>
        ["inspect", "--raw", .. (plainHttp ? new[] { "--tls-verify=false" } : []), "docker://" + reference];

    public static IReadOnlyList<string> ListTagsArguments(string repository, bool plainHttp) =>
        ["list-tags", .. (plainHttp ? new[] { "--tls-verify=false" } : []), "docker://" + repository];

    /// <summary>skopeo's global <c>--command-timeout</c>: the whole command, connecting included, ends after it.</summary>
    public static IReadOnlyList<string> CommandTimeout(TimeSpan timeout) => ["--command-timeout", $"{(int)Math.Ceiling(timeout.TotalSeconds)}s"];

    /// <summary>
    /// Pure: the reason in skopeo's error, for one line: its <c>msg="..."</c> without the "Error parsing image name" preamble,
    /// and a registry that cannot be reached said as such, e.g. <c>registry-1.docker.io does not answer (dial tcp: lookup
    /// registry-1.docker.io on 10.0.0.53:53: no such host)</c>.
    /// </summary>
    public static string Reason(string error)
    {
        var line = ToolOutput.LastLine(error);
        var message = Regex.Match(line, "msg=\"((?:[^\"\\\\]|\\\\.)*)\"") is { Success: true } m
            ? m.Groups[1].Value.Replace("\\\"", "\"").Replace("\\\\", "\\") : line;
        message = Regex.Replace(message, "^Error parsing image name \"[^\"]*\": ", "");
        var ping = Regex.Match(message, "^pinging container registry (?<host>[^\\s:]+(?::\\d+)?): (?:Get \"[^\"]*\": )?(?<why>.+)$");
        return ping.Success ? $"{ping.Groups["host"].Value} does not answer ({ping.Groups["why"].Value})" : message;
    }

    /// <summary>skopeo's words for "that manifest does not exist" (as opposed to a network failure).</summary>
    public static bool IsNotFound(string error) =>
        error.Contains("manifest unknown", StringComparison.OrdinalIgnoreCase) || error.Contains("name unknown", StringComparison.OrdinalIgnoreCase)
        || error.Contains("not found", StringComparison.OrdinalIgnoreCase);

    static string[] SourceTls(bool plainHttp) => plainHttp ? ["--src-tls-verify=false"] : [];
    static string[] DestinationTls(bool plainHttp) => plainHttp ? ["--dest-tls-verify=false"] : [];
}
