using System.Security.Cryptography;
using System.Text;
using Pipeline.Retention;
using Pipeline.Retention.GitHub;
using Pipeline.Retention.Oci;
using Xunit;

namespace BuildTests.Retention;

/// <summary>The GHCR backend against a loopback server speaking GitHub's Packages API and ghcr's OCI endpoint.</summary>
public class GitHubPackagesBackendTests
{
    private static readonly HttpClient Http = new();
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static GitHubPackagesBackend Backend(FakeGitHub server, GitHubOwnerKind kind = GitHubOwnerKind.Auto) =>
        GitHubPackagesBackend.Create(new Uri(server.ApiUrl), "test-token", new GitHubPackage(server.Owner, server.Package, kind),
            RepositoryReference.Parse(server.Repository), Http);

    private static RetentionPlanner Planner() => new(PolicyFixtures.Images(), PolicyFixtures.Permutations);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_real_run_deletes_exactly_the_pr_image_its_platforms_and_signature_for_org_and_user_owners(bool org)
    {
        await using var server = new FakeGitHub(org ? "acme" : "octocat", "devcontainer", ownerIsOrg: org);
        var ids = Populate(server);

        var plan = await new RetentionRun(Backend(server), Planner(), server.Repository).ExecuteAsync(dryRun: false, Now, outputDirectory: null);

        Assert.Equal(new[] { ids["pr"], ids["pr/amd64"], ids["pr/arm64"], ids["pr.sig"] }.Order(), server.DeletedIds.Order());
        Assert.Equal(4, plan.Deletions.Count);
        var kind = org ? "orgs" : "users";
        Assert.Contains($"DELETE /{kind}/{server.Owner}/packages/container/devcontainer/versions/{ids["pr"]}", server.Requests);
        Assert.Contains($"GET /users/{server.Owner}", server.Requests); // Auto asked GitHub whether the owner is an org
    }

    [Fact]
    public async Task The_untagged_platform_manifests_of_a_kept_index_survive_because_the_index_is_read_from_the_oci_endpoint()
    {
        await using var server = new FakeGitHub("acme", "devcontainer", ownerIsOrg: true);
        var ids = Populate(server);

        var plan = await new RetentionRun(Backend(server, GitHubOwnerKind.Org), Planner(), server.Repository).ExecuteAsync(dryRun: true, Now, null);

        Assert.Empty(server.DeletedIds); // a dry run deletes nothing
        Assert.Contains(plan.Kept, k => k.Version.BackendId == ids["release/amd64"].ToString() && k.Role == VersionRole.PlatformManifest);
        Assert.Contains(plan.Kept, k => k.Version.BackendId == ids["release.sig"].ToString() && k.Reason.StartsWith("signature of kept"));
        Assert.Contains(server.Requests, r => r.StartsWith("GET /v2/acme/devcontainer/manifests/sha256:"));
    }

    [Fact]
    public async Task Listing_follows_every_page_of_100()
    {
        await using var server = new FakeGitHub("acme", "devcontainer", ownerIsOrg: true);
        for (var i = 0; i < 250; i++)
            server.AddVersion(1000 + i, Digest($"v{i}"), [], Now.AddDays(-1), Manifest($"v{i}"), OciMediaTypes.ImageManifest);

        var versions = await Backend(server, GitHubOwnerKind.Org).ListVersionsAsync(default);

        Assert.Equal(250, versions.Count);
        Assert.Equal(Enumerable.Range(1000, 250).Select(i => i.ToString()), versions.Select(v => v.BackendId).Order());
        var pages = server.Requests.Where(r => r.StartsWith("GET /orgs/acme/packages/container/devcontainer/versions")).ToList();
        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.Contains("per_page=100", p));
        Assert.Contains(pages, p => p.Contains("page=3"));
    }

    [Fact]
    public async Task A_package_that_does_not_exist_yet_is_empty_not_an_error()
    {
        // The cache package before the first default-branch build: GitHub answers 404 for its versions.
        await using var server = new FakeGitHub("acme", "devcontainer-cache", ownerIsOrg: true) { ListStatus = 404 };

        var plan = await new RetentionRun(Backend(server, GitHubOwnerKind.Org), Planner(), server.Repository).ExecuteAsync(dryRun: false, Now, null);

        Assert.Empty(plan.Deletions);
        Assert.Empty(server.DeletedIds);
        Assert.Contains(server.Requests, r => r.StartsWith("GET /orgs/acme/packages/container/devcontainer-cache/versions"));
    }

    [Theory]
    [InlineData(403, "token lacks read:packages")]
    [InlineData(401, "token is missing or expired")]
    public async Task A_refused_listing_is_one_line_naming_the_cause_and_the_fix(int status, string expected)
    {
        await using var server = new FakeGitHub("acme", "devcontainer", ownerIsOrg: true) { ListStatus = status };

        var e = await Assert.ThrowsAsync<RegistryException>(() => Backend(server, GitHubOwnerKind.Org).ListVersionsAsync(default));

        Assert.Contains(expected, e.Message);
        Assert.Contains($"({status})", e.Message);
        Assert.Contains("container package 'devcontainer' of acme", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task An_exhausted_rate_limit_is_reported_as_rate_limiting_with_the_reset_time_not_as_a_missing_scope()
    {
        var reset = new DateTimeOffset(2026, 9, 14, 3, 47, 12, TimeSpan.Zero);
        await using var server = new FakeGitHub("acme", "devcontainer", ownerIsOrg: true) { RateLimitedUntil = reset };

        var e = await Assert.ThrowsAsync<RegistryException>(() => Backend(server, GitHubOwnerKind.Org).ListVersionsAsync(default));

        Assert.Contains("(403): rate limited", e.Message);
        Assert.Contains("rate limit of 1000 requests is used up until 2026-09-14 03:47:12 UTC", e.Message);
        Assert.DoesNotContain("lacks", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task A_secondary_rate_limit_says_when_to_retry()
    {
        await using var server = new FakeGitHub("acme", "devcontainer", ownerIsOrg: true) { SecondaryRateLimited = true };

        var e = await Assert.ThrowsAsync<RegistryException>(() => Backend(server, GitHubOwnerKind.Org).ListVersionsAsync(default));

        Assert.Contains("secondary rate limit", e.Message);
        Assert.Contains("retry after 60 s", e.Message);
        Assert.DoesNotContain("lacks", e.Message);
    }

    [Theory]
    [InlineData(403, "0", null, null, "used up")]
    [InlineData(429, null, null, null, "secondary rate limit")]
    [InlineData(403, "12", null, "Resource not accessible by integration", null)]
    [InlineData(404, "0", null, null, null)]
    [InlineData(403, null, "30", null, "retry after 30 s")]
    public void Rate_limiting_is_told_from_a_refused_scope_by_the_status_headers_and_message(int status, string? remaining, string? retryAfter, string? message, string? expected)
    {
        var headers = new Dictionary<string, string>();
        if (remaining is not null) headers["X-RateLimit-Remaining"] = remaining;
        if (retryAfter is not null) headers["Retry-After"] = retryAfter;

        var explanation = GitHubRateLimit.Explain(status, headers, message);

        if (expected is null) Assert.Null(explanation);
        else Assert.Contains(expected, explanation);
    }

    [Fact]
    public async Task A_refused_delete_names_delete_packages_and_says_how_far_the_run_got()
    {
        await using var server = new FakeGitHub("acme", "devcontainer", ownerIsOrg: true) { DeleteStatus = 403 };
        Populate(server);

        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            new RetentionRun(Backend(server, GitHubOwnerKind.Org), Planner(), server.Repository).ExecuteAsync(dryRun: false, Now, null));

        Assert.Contains("token lacks delete:packages", e.Message);
        Assert.StartsWith("Retention stopped after 0 of 4 deletions", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task A_version_already_deleted_is_not_an_error()
    {
        await using var server = new FakeGitHub("acme", "devcontainer", ownerIsOrg: true);

        await Backend(server, GitHubOwnerKind.Org).DeleteAsync(new RegistryVersion(Digest("x"), [], Now, BackendId: "424242"), default);

        Assert.Contains("DELETE /orgs/acme/packages/container/devcontainer/versions/424242", server.Requests);
    }

    /// <summary>A release index (kept) and an old PR index (deleted), each with two untagged platforms and a cosign signature.</summary>
    private static Dictionary<string, long> Populate(FakeGitHub server)
    {
        var ids = new Dictionary<string, long>();
        long next = 100;
        void Image(string name, int ageDays, string[] tags)
        {
            var children = new[] { $"{name}/amd64", $"{name}/arm64" };
            foreach (var child in children)
            {
                ids[child] = next;
                server.AddVersion(next++, Digest(child), [], Now.AddDays(-ageDays), Manifest(child), OciMediaTypes.ImageManifest);
            }
            var index = $$"""{"schemaVersion":2,"mediaType":"{{OciMediaTypes.ImageIndex}}","manifests":[{{string.Join(",", children.Select(c => $$"""{"mediaType":"{{OciMediaTypes.ImageManifest}}","digest":"{{Digest(c)}}","size":100}"""))}}]}""";
            ids[name] = next;
            server.AddVersion(next++, Digest(name), tags, Now.AddDays(-ageDays), index, OciMediaTypes.ImageIndex);
            ids[name + ".sig"] = next;
            server.AddVersion(next++, Digest(name + ".sig"), [CosignTags.TagFor(Digest(name), ".sig")], Now.AddDays(-ageDays), Manifest(name + ".sig"), OciMediaTypes.ImageManifest);
        }
        Image("release", 400, ["v1.0.0-gcc15-clang20"]);
        Image("pr", 200, ["pr-9"]);
        return ids;
    }

    private static string Digest(string name) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private static string Manifest(string name) =>
        $$"""{"schemaVersion":2,"mediaType":"{{OciMediaTypes.ImageManifest}}","config":{"mediaType":"{{OciMediaTypes.ImageConfig}}","digest":"{{Digest(name + "/config")}}","size":2},"layers":[]}""";
}
