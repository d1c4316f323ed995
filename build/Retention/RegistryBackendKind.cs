using Pipeline.Retention.Oci;

namespace Pipeline.Retention;

/// <summary>Which API Retention speaks: <c>--retention-backend auto|oci|github</c>.</summary>
public enum RetentionBackendKind { Auto, Oci, GitHub }

public static class RegistryBackends
{
    public const string GitHubContainerRegistry = "ghcr.io";

    /// <summary>Auto picks the GitHub Packages API for ghcr.io (the only way to see and delete untagged versions there), else the OCI API.</summary>
    public static RetentionBackendKind Choose(RetentionBackendKind requested, RepositoryReference repository) =>
        requested != RetentionBackendKind.Auto ? requested
        : repository.HostName == GitHubContainerRegistry ? RetentionBackendKind.GitHub
        : RetentionBackendKind.Oci;
}
