namespace Pipeline.Retention.GitHub;

public enum GitHubOwnerKind { Auto, Org, User }

/// <summary>A GHCR container package: its owner (organization or user) and name (the repository path after the owner).</summary>
public sealed record GitHubPackage(string Owner, string Name, GitHubOwnerKind OwnerKind)
{
    /// <summary>ghcr.io/acme/tools/devcontainer → owner acme, package "tools/devcontainer"; explicit values win.</summary>
    public static GitHubPackage From(Oci.RepositoryReference repository, string? owner, string? package, GitHubOwnerKind kind)
    {
        var segments = repository.Name.Split('/', 2);
        if (owner is null && segments.Length < 2)
            throw new RegistryException($"Cannot tell the GitHub owner of {repository}; pass --github-owner and --github-package (GHCR repositories are ghcr.io/<owner>/<package>).");
        return new GitHubPackage(owner ?? segments[0], package ?? (segments.Length == 2 ? segments[1] : segments[0]), kind);
    }

    public override string ToString() => $"{(OwnerKind == GitHubOwnerKind.Org ? "orgs" : "users")}/{Owner} container {Name}";
}
