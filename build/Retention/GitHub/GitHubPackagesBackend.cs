using Octokit;
using Pipeline.Retention.Oci;

namespace Pipeline.Retention.GitHub;

/// <summary>
/// GHCR through the GitHub Packages REST API (Octokit): lists every container version (name = digest,
/// metadata.container.tags = tags, created_at = push time) page by page, and deletes by version id. The
/// API does not expose an index's children or referrers, so those come from ghcr's OCI endpoint through
/// the OCI backend's code path — as snok/container-retention-policy v3.1 does to avoid the classic bug.
/// </summary>
public sealed class GitHubPackagesBackend(IGitHubClient github, GitHubPackage package, OciRegistryBackend oci) : IRegistryBackend
{
    private const int PageSize = 100;

    /// <summary>The backend for <paramref name="repository"/> (ghcr.io/owner/package): REST at <paramref name="apiUrl"/>, OCI at the repository's host.</summary>
    public static GitHubPackagesBackend Create(Uri apiUrl, string token, GitHubPackage package, Oci.RepositoryReference repository, HttpClient http, string? username = null)
    {
        var github = new GitHubClient(new ProductHeaderValue("devcontainer-pipeline"), apiUrl) { Credentials = new Credentials(token) };
        var oci = new OciRegistryBackend(new OciRegistryClient(repository, http, username ?? package.Owner, token), deriveCreated: false);
        return new GitHubPackagesBackend(github, package, oci);
    }
    private GitHubOwnerKind _kind = package.OwnerKind;

    public string Description => $"github {package with { OwnerKind = _kind }}";

    public async Task<IReadOnlyList<RegistryVersion>> ListVersionsAsync(CancellationToken ct)
    {
        var kind = await OwnerKindAsync();
        var options = new ApiOptions { PageSize = PageSize, StartPage = 1 };
        IReadOnlyList<PackageVersion> versions;
        try
        {
            versions = await (kind == GitHubOwnerKind.Org
                ? github.Packages.PackageVersions.GetAllForOrg(package.Owner, PackageType.Container, package.Name, PackageVersionState.Active, options)
                : github.Packages.PackageVersions.GetAllForUser(package.Owner, PackageType.Container, package.Name, PackageVersionState.Active, options));
        }
        catch (NotFoundException)
        {
            // A package nothing was pushed to yet (the cache repository before the first default-branch build) has nothing to clean.
            Serilog.Log.Information("Container package {Package} of {Owner} does not exist (yet); nothing to clean", package.Name, package.Owner);
            return [];
        }
        catch (ApiException e) { throw Explain("list versions of", e); }
        return versions.Select(v => new RegistryVersion(
                v.Name,
                v.Metadata?.Container?.Tags ?? [],
                new DateTimeOffset(DateTime.SpecifyKind(v.CreatedAt, DateTimeKind.Utc)),
                BackendId: v.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
    }

    public Task<ManifestInfo?> ReadManifestAsync(string digest, CancellationToken ct) => oci.ReadManifestAsync(digest, ct);

    public Task<IReadOnlyList<string>> ListReferrersAsync(string digest, CancellationToken ct) => oci.ListReferrersAsync(digest, ct);

    public async Task DeleteAsync(RegistryVersion version, CancellationToken ct)
    {
        if (!long.TryParse(version.BackendId, out var id))
            throw new RegistryException($"{version.ShortDigest} is referenced but GitHub does not list it as a version of {package.Name}, so it cannot be deleted; re-run Retention (it may have been deleted meanwhile).");
        var kind = await OwnerKindAsync();
        try
        {
            await (id > int.MaxValue
                ? new ApiConnection(github.Connection).Delete(new Uri(VersionPath(kind, id), UriKind.Relative))
                : kind == GitHubOwnerKind.Org
                    ? github.Packages.PackageVersions.DeleteForOrg(package.Owner, PackageType.Container, package.Name, (int)id)
                    : github.Packages.PackageVersions.DeleteForUser(package.Owner, PackageType.Container, package.Name, (int)id));
        }
        catch (NotFoundException)
        {
            // Deletes are idempotent: a re-run after an interrupted run finds some versions already gone.
            Serilog.Log.Information("Version {Id} ({Digest}) was already gone", id, version.ShortDigest);
        }
        catch (ApiException e)
        {
            throw Explain($"delete version {id} ({version.ShortDigest}) of", e);
        }
    }

    private string VersionPath(GitHubOwnerKind kind, long id) =>
        $"{(kind == GitHubOwnerKind.Org ? "orgs" : "users")}/{package.Owner}/packages/container/{Uri.EscapeDataString(package.Name)}/versions/{id}";

    private async Task<GitHubOwnerKind> OwnerKindAsync()
    {
        if (_kind != GitHubOwnerKind.Auto) return _kind;
        var owner = await Call("look up the owner of", () => github.User.Get(package.Owner));
        return _kind = owner.Type == AccountType.Organization ? GitHubOwnerKind.Org : GitHubOwnerKind.User;
    }

    /// <summary>Turns Octokit's exceptions into one line naming the cause and the fix.</summary>
    private async Task<T> Call<T>(string action, Func<Task<T>> call)
    {
        try { return await call(); }
        catch (ApiException e) { throw Explain(action, e); }
    }

    private RegistryException Explain(string action, ApiException e)
    {
        var what = $"GitHub refused to {action} container package '{package.Name}' of {package.Owner}";
        var deleting = action.StartsWith("delete", StringComparison.Ordinal);
        // Octokit raises rate limiting as a ForbiddenException too: told apart first, it is a wait, not a scope.
        var rateLimited = GitHubRateLimit.Explain((int)e.StatusCode,
            e.HttpResponse?.Headers ?? new Dictionary<string, string>(), e.ApiError?.Message ?? e.Message);
        var fix = rateLimited ?? e switch
        {
            AuthorizationException => "(401): the token is missing or expired; set RETENTION_TOKEN (or GITHUB_TOKEN) to a token with read:packages and delete:packages",
            ForbiddenException when deleting => "(403): the token lacks delete:packages or admin rights on the package (or the version has over 5,000 downloads and cannot be deleted); use a token with read:packages and delete:packages that administers the package",
            ForbiddenException => "(403): the token lacks read:packages or access to the package; use a token with read:packages and delete:packages (GITHUB_TOKEN needs `packages: write` in the job's permissions)",
            NotFoundException => $"(404): no such package for this owner, or the token cannot see it; check --github-owner/--github-package and --github-owner-kind (org or user) and that the token has read:packages",
            _ => $"({(int)e.StatusCode}): {e.Message}; retry, or check GitHub's status",
        };
        return new RegistryException($"{what} {fix}.", e);
    }
}
