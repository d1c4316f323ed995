using System.Text.RegularExpressions;

namespace Pipeline.Retention;

/// <summary>
/// cosign's tag-based attachments (<c>sha256-&lt;hex&gt;.sig</c>, <c>.att</c>, <c>.sbom</c>) and the OCI
/// referrers tag schema fallback (<c>sha256-&lt;hex&gt;</c>, an index of referrers): the tag names the
/// image they belong to.
/// </summary>
public static partial class CosignTags
{
    [GeneratedRegex("^(?<alg>sha256|sha512)-(?<hex>[0-9a-f]{64}|[0-9a-f]{128})(?<suffix>\\.sig|\\.att|\\.sbom)?$")]
    private static partial Regex AttachmentTag();

    /// <summary>The subject digest an attachment tag names, or null when the tag is an ordinary tag.</summary>
    public static string? SubjectOf(string tag)
    {
        var match = AttachmentTag().Match(tag);
        return match.Success ? $"{match.Groups["alg"].Value}:{match.Groups["hex"].Value}" : null;
    }

    /// <summary>"signature", "attestation", "sbom" or "referrers index" for an attachment tag.</summary>
    public static string KindOf(string tag) => AttachmentTag().Match(tag).Groups["suffix"].Value switch
    {
        ".sig" => "signature",
        ".att" => "attestation",
        ".sbom" => "sbom",
        _ => "referrers index",
    };

    public static string TagFor(string digest, string suffix) => digest.Replace(':', '-') + suffix;
}
