namespace Pipeline.Retention;

/// <summary>
/// One manifest in an image repository as a backend sees it: an image index, an image manifest or an
/// artifact (signature, attestation, SBOM). <see cref="Children"/> are an index's manifests;
/// <see cref="Subject"/> is the image an OCI referrer is attached to. <see cref="BackendId"/> is what the
/// backend deletes by (GHCR's package version id; the digest for an OCI registry).
/// </summary>
public sealed record RegistryVersion(
    string Digest,
    IReadOnlyList<string> Tags,
    DateTimeOffset? Created,
    string? MediaType = null,
    IReadOnlyList<string>? Children = null,
    string? Subject = null,
    string? ArtifactType = null,
    string? BackendId = null)
{
    public IReadOnlyList<string> Children { get; init; } = Children ?? [];
    public bool IsIndex => MediaType is OciMediaTypes.ImageIndex or OciMediaTypes.DockerManifestList || Children.Count > 0;
    public string ShortDigest => Digest.Length > 19 ? Digest[..19] : Digest;
    public override string ToString() => $"{ShortDigest} [{string.Join(", ", Tags)}]";
}

public static class OciMediaTypes
{
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string ImageConfig = "application/vnd.oci.image.config.v1+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";

    /// <summary>Every manifest type the backends ask for; registries answer with the stored type.</summary>
    public static readonly string[] AcceptedManifests = [ImageIndex, ImageManifest, DockerManifestList, DockerManifest];
}
