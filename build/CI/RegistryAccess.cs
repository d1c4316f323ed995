using System.Reflection;
using Pipeline.Host;

namespace Pipeline.CI;

/// <summary>What a target does with the registry; declared on the target (<see cref="RegistryAccessAttribute"/>).</summary>
[Flags]
public enum RegistryUse
{
    None = 0,
    /// <summary>Reads images or the build cache (private packages need credentials even to read).</summary>
    Read = 1,
    /// <summary>Exports the build cache (the scope is CachePolicy's: main from the default branch, pr-N from PR N).</summary>
    WriteCache = 2,
    /// <summary>Pushes images or moves tags.</summary>
    Push = 4,
    /// <summary>Signs and attests keylessly with the workflow's OIDC token.</summary>
    SignKeyless = 8,
    /// <summary>Deletes package versions through the GitHub API with GITHUB_TOKEN (no docker login).</summary>
    Delete = 16,
    /// <summary>
    /// Signs the main cache it exported keylessly (CachePolicy.Trust.cs): `id-token: write` in a trusted job; a pull-request job
    /// writes no main cache, so it gets no OIDC token (it only verifies, which needs none).
    /// </summary>
    SignCacheKeyless = 32,
}

/// <summary>Declares what a target does with the registry, so the generated jobs get exactly the credentials it needs (NUKE declares permissions on attributes too).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RegistryAccessAttribute(RegistryUse use) : Attribute
{
    public RegistryUse Use { get; } = use;
}

/// <summary>The event a generated job runs on: it decides how much of a target's registry use the token may have.</summary>
public enum JobTrigger
{
    /// <summary>A pull request: same-repository ones log in read-only; forks get no credentials at all.</summary>
    PullRequest,
    /// <summary>A push to the default branch or a release tag, a schedule, or a run by hand.</summary>
    Trusted,
}

/// <summary>A job's token scopes and whether it logs in to the registry (docker login) or passes GITHUB_TOKEN to the build.</summary>
public sealed record JobCredentials(IReadOnlyDictionary<string, string> Permissions, bool Login, bool GitHubTokenToBuild)
{
    public bool HasWrites => Permissions.Values.Any(v => v == "write");

    /// <summary>The token may push to the registry (packages: write): export a cache, push by digest.</summary>
    public bool CanWritePackages => Permissions.GetValueOrDefault("packages") == "write";
}

/// <summary>
/// Pure: (what the targets of a job do, the event) → the job's permissions and login. A pull request's token is
/// `packages: read` whatever its targets would like, so the token scope, not only CachePolicy, keeps a pull request
/// from writing anything a push reads; publishing targets in a pull-request job are refused.
/// </summary>
public static class RegistryAccess
{
    public static RegistryUse Of(Type buildType, IEnumerable<string> targets)
    {
        var use = RegistryUse.None;
        foreach (var target in targets)
        {
            var property = buildType.GetProperty(target, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            if (property?.PropertyType != typeof(Target)) continue;
            use |= property.GetCustomAttribute<RegistryAccessAttribute>()?.Use ?? RegistryUse.None;
        }
        return use;
    }

    public static JobCredentials For(RegistryUse use, JobTrigger trigger)
    {
        var permissions = new Dictionary<string, string> { ["contents"] = "read" };
        if (trigger == JobTrigger.PullRequest)
        {
            if ((use & (RegistryUse.Push | RegistryUse.SignKeyless | RegistryUse.Delete)) != 0)
                throw new ArgumentException($"A pull-request job would run targets that {use}; pull requests only build (move publishing targets to the push job).");
            if (use == RegistryUse.None) return new JobCredentials(permissions, Login: false, GitHubTokenToBuild: false);
            permissions["packages"] = "read";
            return new JobCredentials(permissions, Login: true, GitHubTokenToBuild: false);
        }
        if ((use & (RegistryUse.WriteCache | RegistryUse.Push | RegistryUse.Delete)) != 0) permissions["packages"] = "write";
        else if (use.HasFlag(RegistryUse.Read)) permissions["packages"] = "read";
        if ((use & (RegistryUse.SignKeyless | RegistryUse.SignCacheKeyless)) != 0) permissions["id-token"] = "write";
        var login = (use & (RegistryUse.Read | RegistryUse.WriteCache | RegistryUse.Push)) != 0;
        return new JobCredentials(permissions, login, GitHubTokenToBuild: use.HasFlag(RegistryUse.Delete));
    }
}
