namespace Pipeline.Retention.Oci;

/// <summary>"host[:port]/path/name" split into the registry's base address and the repository name.</summary>
public sealed record RepositoryReference(string Host, string Name)
{
    public static RepositoryReference Parse(string reference)
    {
        var trimmed = reference.Trim();
        var withoutScheme = trimmed.Contains("://") ? trimmed[(trimmed.IndexOf("://", StringComparison.Ordinal) + 3)..] : trimmed;
        var slash = withoutScheme.IndexOf('/');
        if (slash <= 0 || slash == withoutScheme.Length - 1 || withoutScheme.Contains('@') || withoutScheme[(slash + 1)..].Contains(':'))
            throw new RegistryException($"'{reference}' is not an image repository; pass --retention-repository as host[:port]/name without tag or digest (e.g. 127.0.0.1:5000/team/devcontainer).");
        return new RepositoryReference(withoutScheme[..slash].ToLowerInvariant(), withoutScheme[(slash + 1)..]);
    }

    /// <summary>Loopback registries speak plain HTTP (as docker and cosign allow for them); everything else HTTPS.</summary>
    public bool IsLoopback => RegistryHost.IsLoopback(Host);

    public string HostName => Host.StartsWith('[') ? Host[..(Host.IndexOf(']') + 1)] : Host.Split(':')[0];

    public Uri BaseAddress => new($"{(IsLoopback ? "http" : "https")}://{Host}/");

    public override string ToString() => $"{Host}/{Name}";
}
