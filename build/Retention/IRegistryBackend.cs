namespace Pipeline.Retention;

/// <summary>What the crawler learns from one manifest: its type, an index's children, a referrer's subject, its age.</summary>
public sealed record ManifestInfo(
    string Digest,
    string MediaType,
    IReadOnlyList<string> Children,
    string? Subject,
    string? ArtifactType,
    DateTimeOffset? Created);

/// <summary>
/// One image repository in some registry. Implementations: <see cref="Oci.OciRegistryBackend"/> (any OCI
/// distribution registry) and <see cref="GitHub.GitHubPackagesBackend"/> (GHCR through the Packages API).
/// </summary>
public interface IRegistryBackend
{
    /// <summary>"oci http://127.0.0.1:5000/team/devcontainer" or "github orgs/acme container devcontainer", for the log.</summary>
    string Description { get; }

    /// <summary>The versions the registry lists (tagged ones for a distribution registry; every version for GHCR).</summary>
    Task<IReadOnlyList<RegistryVersion>> ListVersionsAsync(CancellationToken cancellationToken);

    /// <summary>A manifest by digest, or null when the registry does not have it.</summary>
    Task<ManifestInfo?> ReadManifestAsync(string digest, CancellationToken cancellationToken);

    /// <summary>Digests of the OCI referrers whose subject is <paramref name="digest"/> (referrers API, else the tag schema).</summary>
    Task<IReadOnlyList<string>> ListReferrersAsync(string digest, CancellationToken cancellationToken);

    /// <summary>Deletes one version; a version that is already gone is not an error.</summary>
    Task DeleteAsync(RegistryVersion version, CancellationToken cancellationToken);
}

/// <summary>A registry refused or failed a request; the message is one line naming the cause and the fix.</summary>
public sealed class RegistryException(string message, Exception? inner = null) : Exception(message, inner);
