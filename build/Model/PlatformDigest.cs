using System.Text.Json.Serialization;

namespace Pipeline.Model;

/// <summary>
/// One platform's manifest in an image index, e.g. <c>linux/arm64</c> → <c>sha256:…</c>; in manifest.json also that
/// platform's own SBOM, which Publish attests on this manifest digest (null in an archive's or index's description).
/// </summary>
public sealed record PlatformDigest(string Platform, string Digest,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DigestedFile? Sbom = null);
