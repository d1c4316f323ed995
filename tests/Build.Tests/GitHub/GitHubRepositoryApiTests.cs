using Pipeline.Tools;
using Tests.Shared;
using Xunit;

namespace BuildTests.GitHub;

/// <summary>The REST calls the CI jobs make (lkg tag, variable, environment), against a fake GitHub API over a real bare repository.</summary>
public sealed class GitHubRepositoryApiTests : IAsyncLifetime
{
    const string Repository = "acme/devcontainer-pipeline";
    const string WriteToken = "ghs_contents_write";
    const string ReadToken = "ghs_contents_read";
    const string DispatchToken = "ghs_actions_write";
    readonly string directory = Directory.CreateTempSubdirectory("github-api-").FullName;
    FakeGitHubApi server = null!;
    string commit = "";

    string Origin => Path.Combine(directory, "origin.git");

    public async Task InitializeAsync()
    {
        TestGit.Run(null, "init", "-q", "--bare", Origin);
        var tree = Git(Origin, "hash-object", "-t", "tree", "-w", "--stdin");
        commit = Git(Origin, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit-tree", tree, "-m", "pinned");
        server = new FakeGitHubApi(Repository, Origin, token => token switch
        {
            WriteToken => new Dictionary<string, string> { ["contents"] = "write", ["actions"] = "read", ["variables"] = "write" },
            DispatchToken => new Dictionary<string, string> { ["actions"] = "write" },
            ReadToken => new Dictionary<string, string> { ["contents"] = "read" },
            _ => null,
        });
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    GitHubRepositoryApi Api(string token) => new(new HttpClient(), server.ApiUrl, Repository, token);

    [Fact]
    public async Task The_pin_becomes_an_annotated_tag_on_the_commit_created_then_moved()
    {
        var api = Api(WriteToken);
        await api.MoveTagAsync("lkg", await api.CreateTagObjectAsync("lkg", "{\n  \"first\": \"pin\"\n}", commit));
        Assert.Equal("{\n  \"first\": \"pin\"\n}", Git(Origin, "tag", "-l", "--format=%(contents)", "lkg"));
        Assert.Equal(commit, Git(Origin, "rev-parse", "lkg^{commit}"));
        Assert.Contains("POST /repos/acme/devcontainer-pipeline/git/refs", server.Requests); // created: PATCH said 422 first

        await api.MoveTagAsync("lkg", await api.CreateTagObjectAsync("lkg", "second \"pin\"", commit));
        Assert.Equal("second \"pin\"", Git(Origin, "tag", "-l", "--format=%(contents)", "lkg"));
        Assert.Single(server.Requests, r => r == "POST /repos/acme/devcontainer-pipeline/git/refs"); // moved, not created again
    }

    [Fact]
    public async Task A_variable_is_created_then_updated()
    {
        var api = Api(WriteToken);
        await api.SetVariableAsync("DEVCONTAINER_LKG", "one");
        await api.SetVariableAsync("DEVCONTAINER_LKG", "two");
        Assert.Equal("two", server.Variables["DEVCONTAINER_LKG"]);
        Assert.Equal(["PATCH", "POST", "PATCH"], server.Requests.Select(r => r.Split(' ')[0]));
    }

    [Fact]
    public async Task An_environment_is_read_and_a_missing_one_is_null()
    {
        server.Environments["registry-rollback"] = FakeGitHubApi.ProtectedEnvironment("registry-rollback");
        var api = Api(WriteToken);
        var environment = await api.GetEnvironmentAsync("registry-rollback");
        Assert.Equal("required_reviewers", environment!.Value.GetProperty("protection_rules")[0].GetProperty("type").GetString());
        Assert.Null(await api.GetEnvironmentAsync("nowhere"));
    }

    [Fact]
    public async Task A_rebuild_is_a_workflow_dispatch_of_the_file_on_the_branch_and_needs_actions_write()
    {
        // main holds .github/workflows/build-devcontainer.yml (GitHub answers 404 for a file the ref does not have).
        var blob = Git(Origin, "hash-object", "-w", "--stdin");
        var workflows = GitInput(Origin, $"100644 blob {blob}\tbuild-devcontainer.yml\n", "mktree");
        var github = GitInput(Origin, $"040000 tree {workflows}\tworkflows\n", "mktree");
        var root = GitInput(Origin, $"040000 tree {github}\t.github\n", "mktree");
        var main = Git(Origin, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit-tree", root, "-m", "workflows");
        Git(Origin, "update-ref", "refs/heads/main", main);

        await Api(DispatchToken).DispatchWorkflowAsync("build-devcontainer.yml", "main", new Dictionary<string, string> { ["refresh-packages"] = "gcc14-clang20" });
        var dispatch = Assert.Single(server.Dispatches);
        Assert.Equal(("build-devcontainer.yml", "refs/heads/main", main, "gcc14-clang20"), (dispatch.Workflow, dispatch.Ref, dispatch.Sha, dispatch.Inputs["refresh-packages"]));
        Assert.Contains("POST /repos/acme/devcontainer-pipeline/actions/workflows/build-devcontainer.yml/dispatches", server.Requests);

        var refused = await Assert.ThrowsAsync<GitHubApiException>(() => Api(ReadToken).DispatchWorkflowAsync("build-devcontainer.yml", "main", new Dictionary<string, string>()));
        Assert.Contains("`actions: write`", refused.Message);
        var missing = await Assert.ThrowsAsync<GitHubApiException>(() => Api(DispatchToken).DispatchWorkflowAsync("other.yml", "main", new Dictionary<string, string>()));
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task A_token_without_contents_write_is_one_line_naming_the_permission()
    {
        var e = await Assert.ThrowsAsync<GitHubApiException>(() => Api(ReadToken).CreateTagObjectAsync("lkg", "pin", commit));
        Assert.Equal(403, e.Status);
        Assert.Contains("GitHub refused to create the annotated tag object lkg in acme/devcontainer-pipeline (403: Resource not accessible by integration)", e.Message);
        Assert.Contains("`contents: write`", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        var environment = await Assert.ThrowsAsync<GitHubApiException>(() => Api(ReadToken).GetEnvironmentAsync("registry-rollback"));
        Assert.Contains("`actions: read`", environment.Message);
        var unknown = await Assert.ThrowsAsync<GitHubApiException>(() => Api("ghs_unknown").SetVariableAsync("DEVCONTAINER_LKG", "x"));
        Assert.Contains("(401): the token is missing or expired", unknown.Message);
    }

    [Fact]
    public async Task Rate_limiting_is_reported_as_rate_limiting()
    {
        server.RateLimitedUntil = new DateTimeOffset(2026, 9, 14, 3, 47, 12, TimeSpan.Zero);
        var e = await Assert.ThrowsAsync<GitHubApiException>(() => Api(WriteToken).CreateTagObjectAsync("lkg", "pin", commit));
        Assert.Contains("rate limited", e.Message);
        Assert.Contains("until 2026-09-14 03:47:12 UTC", e.Message);
        Assert.DoesNotContain("contents: write", e.Message);
    }

    [Fact]
    public async Task An_api_that_does_not_answer_names_GITHUB_API_URL()
    {
        var e = await Assert.ThrowsAsync<GitHubApiException>(() => new GitHubRepositoryApi(new HttpClient(), "http://127.0.0.1:9", Repository, WriteToken).GetEnvironmentAsync("x"));
        Assert.Contains("check GITHUB_API_URL", e.Message);
    }

    static string GitInput(string directory, string input, params string[] arguments) => TestGit.RunWithInput(directory, input, arguments);

    static string Git(string directory, params string[] arguments) => TestGit.Run(directory, arguments);
}
