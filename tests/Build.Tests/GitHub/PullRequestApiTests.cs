using Pipeline.Tools;
using Tests.Shared;
using Xunit;

namespace BuildTests.GitHub;

/// <summary>
/// The REST calls ProposeBasePin makes (a branch from main, a file committed to it, one pull request), against the fake
/// GitHub API over a real bare repository whose main holds a Dockerfile.
/// </summary>
public sealed class PullRequestApiTests : IAsyncLifetime
{
    const string Repository = "acme/devcontainer-pipeline";
    const string Token = "ghs_contents_and_pulls";
    const string File = "devcontainer/Dockerfile";
    const string Pinned = "ARG BASE_IMAGE=docker.io/library/ubuntu:24.04@sha256:aaaa\nFROM ${BASE_IMAGE}\n";
    const string Moved = "ARG BASE_IMAGE=docker.io/library/ubuntu:24.04@sha256:bbbb\nFROM ${BASE_IMAGE}\n";
    readonly string directory = Directory.CreateTempSubdirectory("github-pulls-").FullName;
    FakeGitHubApi server = null!;
    string main = "";

    string Origin => Path.Combine(directory, "origin.git");

    public Task InitializeAsync()
    {
        Git("init", "-q", "--bare", Origin);
        var blob = GitWithInput(Pinned, "hash-object", "-w", "--stdin");
        var devcontainer = GitWithInput($"100644 blob {blob}\tDockerfile\n", "mktree");
        var root = GitWithInput($"040000 tree {devcontainer}\tdevcontainer\n", "mktree");
        main = Git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit-tree", root, "-m", "pinned");
        Git("update-ref", "refs/heads/main", main);
        server = new FakeGitHubApi(Repository, Origin, token => token switch
        {
            Token => new Dictionary<string, string> { ["contents"] = "write", ["pull-requests"] = "write" },
            "ghs_contents_only" => new Dictionary<string, string> { ["contents"] = "write" },
            _ => null,
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    GitHubRepositoryApi Api(string token = Token) => new(new HttpClient(), server.ApiUrl, Repository, token);

    [Fact]
    public async Task A_file_is_read_with_its_blob_sha_and_a_missing_one_is_null()
    {
        var file = await Api().FileAsync(File, "main");
        Assert.Equal(Pinned, file?.Text);
        Assert.Equal(Git("rev-parse", $"main:{File}"), file?.Sha);
        Assert.Null(await Api().FileAsync("devcontainer/missing", "main"));
        Assert.Equal(main, await Api().RefShaAsync("heads/main"));
    }

    [Fact]
    public async Task The_change_is_one_commit_on_a_branch_from_main_and_main_is_untouched()
    {
        var api = Api();
        await api.MoveRefAsync("heads/devcontainer/update-base-pin", await api.RefShaAsync("heads/main"), "contents: write");
        await api.PutFileAsync(File, "devcontainer/update-base-pin", Moved, (await api.FileAsync(File, "devcontainer/update-base-pin"))?.Sha,
            "Move the base image pin");
        Assert.Equal(Moved, Git("show", $"devcontainer/update-base-pin:{File}") + "\n");
        Assert.Equal(main, Git("rev-parse", "devcontainer/update-base-pin^"));
        Assert.Equal("Move the base image pin", Git("log", "-1", "--format=%B", "devcontainer/update-base-pin"));
        Assert.Equal(main, Git("rev-parse", "main"));

        // The next run moves the branch back to main first (force): still one commit ahead, never a pile of them.
        await api.MoveRefAsync("heads/devcontainer/update-base-pin", main, "contents: write");
        Assert.Equal(main, Git("rev-parse", "devcontainer/update-base-pin"));
    }

    [Fact]
    public async Task A_stale_blob_sha_is_refused_in_one_line()
    {
        var stale = await Assert.ThrowsAsync<GitHubApiException>(() => Api().PutFileAsync(File, "main", Moved, "0000000000000000000000000000000000000000", "m"));
        Assert.Equal(409, stale.Status);
        Assert.StartsWith($"GitHub refused to commit {File} to main in {Repository} (409", stale.Message);
        Assert.DoesNotContain('\n', stale.Message);
    }

    [Fact]
    public async Task One_pull_request_is_opened_and_the_next_run_finds_it_open()
    {
        var api = Api();
        await api.MoveRefAsync("heads/devcontainer/update-base-pin", main, "contents: write");
        Assert.Equal((1, true), await api.PullRequestAsync("devcontainer/update-base-pin", "main", "Move the pin", "body"));
        Assert.Equal((1, false), await api.PullRequestAsync("devcontainer/update-base-pin", "main", "Move the pin", "body"));
        var pullRequest = Assert.Single(server.PullRequests);
        Assert.Equal(("devcontainer/update-base-pin", "main", "Move the pin", "body"), (pullRequest.Head, pullRequest.Base, pullRequest.Title, pullRequest.Body));
    }

    [Fact]
    public async Task A_token_without_pull_requests_write_is_one_line_naming_it_and_the_repository_setting()
    {
        var refused = await Assert.ThrowsAsync<GitHubApiException>(() => Api("ghs_contents_only").PullRequestAsync("x", "main", "t", "b"));
        Assert.Contains("the job needs `pull-requests: write`", refused.Message);
        Assert.Contains("Allow GitHub Actions to create and approve pull requests", refused.Message);
    }

    string Git(params string[] arguments) => GitWithInput(null, arguments);

    string GitWithInput(string? input, params string[] arguments) => TestGit.RunWithInput(arguments[0] == "init" ? null : Origin, input, arguments);
}
