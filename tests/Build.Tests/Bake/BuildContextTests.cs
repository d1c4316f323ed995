using System.Text.Json;
using Pipeline.Host;
using Xunit;

namespace BuildTests.Bake;

public class BuildContextTests
{
    static readonly GitFacts Git = new(Contexts.Sha, "main", [], Contexts.CommitTime, "git@github.com:acme/devcontainers.git", UncommittedPaths: [],
        TopLevel: "/home/dev/devcontainers");

    static Func<string, string?> Env(string eventName, string gitRef) => new Dictionary<string, string?>
    {
        ["GITHUB_EVENT_NAME"] = eventName,
        ["GITHUB_REF"] = gitRef,
        ["GITHUB_SHA"] = Contexts.Sha,
        ["GITHUB_SERVER_URL"] = "https://github.com",
        ["GITHUB_REPOSITORY"] = "acme/devcontainers",
    }.GetValueOrDefault;

    static JsonElement Payload(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void Push_to_the_default_branch_is_default_branch_mode()
    {
        var context = BuildContext.FromGitHub(Env("push", "refs/heads/main"), Git.CommitTime, null, "main");
        Assert.Equal(BuildMode.DefaultBranch, context.Mode);
        Assert.Equal("https://github.com/acme/devcontainers", context.SourceUrl);
        Assert.Equal(Contexts.CommitTime, context.CommitTime);
        Assert.Equal(Contexts.CommitTime.ToUnixTimeSeconds(), context.SourceDateEpoch);
    }

    [Theory]
    [InlineData("workflow_dispatch")]
    [InlineData("schedule")]
    public void Manual_and_scheduled_runs_on_the_default_branch_are_default_branch_mode(string eventName) =>
        Assert.Equal(BuildMode.DefaultBranch, BuildContext.FromGitHub(Env(eventName, "refs/heads/main"), Git.CommitTime, null, "main").Mode);

    [Fact]
    public void The_event_payload_names_the_default_branch()
    {
        var payload = Payload("""{"repository":{"default_branch":"trunk"}}""");
        Assert.Equal(BuildMode.DefaultBranch, BuildContext.FromGitHub(Env("push", "refs/heads/trunk"), Git.CommitTime, payload, "main").Mode);
        Assert.Equal(BuildMode.Local, BuildContext.FromGitHub(Env("push", "refs/heads/main"), Git.CommitTime, payload, "main").Mode);
    }

    [Fact]
    public void Another_branch_is_local_mode() =>
        Assert.Equal(BuildMode.Local, BuildContext.FromGitHub(Env("push", "refs/heads/feature/x"), Git.CommitTime, null, "main").Mode);

    [Fact]
    public void Pull_request_number_comes_from_the_merge_ref()
    {
        var context = BuildContext.FromGitHub(Env("pull_request", "refs/pull/17/merge"), Git.CommitTime, null, "main");
        Assert.Equal((BuildMode.PullRequest, 17, false), (context.Mode, context.PullRequestNumber, context.IsForkPullRequest));
    }

    [Fact]
    public void Pull_request_target_takes_the_number_from_the_payload()
    {
        var context = BuildContext.FromGitHub(Env("pull_request_target", "refs/heads/main"), Git.CommitTime, Payload("""{"number":9,"pull_request":{"number":9}}"""), "main");
        Assert.Equal((BuildMode.PullRequest, 9), (context.Mode, context.PullRequestNumber));
    }

    [Fact]
    public void Pull_request_from_a_fork_is_detected_from_head_and_base_repositories()
    {
        var fork = Payload("""{"pull_request":{"head":{"repo":{"full_name":"mallory/devcontainers"}},"base":{"repo":{"full_name":"acme/devcontainers"}}}}""");
        var same = Payload("""{"pull_request":{"head":{"repo":{"full_name":"acme/devcontainers"}},"base":{"repo":{"full_name":"acme/devcontainers"}}}}""");
        var deletedFork = Payload("""{"pull_request":{"head":{"repo":null},"base":{"repo":{"full_name":"acme/devcontainers"}}}}""");
        Assert.True(BuildContext.FromGitHub(Env("pull_request", "refs/pull/3/merge"), Git.CommitTime, fork, "main").IsForkPullRequest);
        Assert.False(BuildContext.FromGitHub(Env("pull_request", "refs/pull/3/merge"), Git.CommitTime, same, "main").IsForkPullRequest);
        Assert.True(BuildContext.FromGitHub(Env("pull_request", "refs/pull/3/merge"), Git.CommitTime, deletedFork, "main").IsForkPullRequest);
    }

    [Fact]
    public void Pull_request_without_a_number_is_refused_with_the_fix()
    {
        var error = Assert.Throws<BuildInputException>(() => BuildContext.FromGitHub(Env("pull_request", "refs/heads/x"), Git.CommitTime, null, "main"));
        Assert.Contains("GITHUB_REF=refs/pull/<n>/merge", error.Message);
    }

    [Fact]
    public void Release_tag_push_is_release_mode_with_the_version()
    {
        var context = BuildContext.FromGitHub(Env("push", "refs/tags/v1.2.3"), Git.CommitTime, null, "main");
        Assert.Equal((BuildMode.ReleaseTag, "v1.2.3"), (context.Mode, context.Version));
    }

    [Fact]
    public void A_tag_that_is_not_a_release_is_local_mode() =>
        Assert.Equal(BuildMode.Local, BuildContext.FromGitHub(Env("push", "refs/tags/nightly"), Git.CommitTime, null, "main").Mode);

    [Fact]
    public void Without_git_the_commit_time_comes_from_the_payload_never_the_clock()
    {
        var payload = Payload("""{"head_commit":{"timestamp":"2025-01-02T03:04:05+00:00"}}""");
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), BuildContext.FromGitHub(Env("push", "refs/heads/main"), null, payload, "main").CommitTime);
        Assert.Equal(DateTimeOffset.UnixEpoch, BuildContext.FromGitHub(Env("push", "refs/heads/main"), null, null, "main").CommitTime);
    }

    [Fact]
    public void Git_on_the_default_branch_is_default_branch_mode()
    {
        var context = BuildContext.FromGit(Git, "main");
        Assert.Equal((BuildMode.DefaultBranch, "refs/heads/main", "https://github.com/acme/devcontainers"), (context.Mode, context.Ref, context.SourceUrl));
    }

    [Fact]
    public void Git_with_uncommitted_changes_is_local_mode_even_on_main_or_a_release_tag()
    {
        var dirty = BuildContext.FromGit(Git with { UncommittedPaths = ["README.md"] }, "main");
        Assert.Equal((BuildMode.Local, "uncommitted changes", true), (dirty.Mode, dirty.Reason, dirty.Dirty));
        Assert.Equal(["README.md"], dirty.UncommittedPaths);
        Assert.Equal(BuildMode.Local, BuildContext.FromGit(Git with { UncommittedPaths = ["notes.txt"], TagsAtHead = ["v1.0.0"] }, "main").Mode);
        Assert.False(BuildContext.FromGit(Git, "main").Dirty);
    }

    [Fact]
    public void The_provenance_source_is_the_remote_or_a_git_file_uri_of_the_repository_without_one()
    {
        Assert.Equal("https://github.com/acme/devcontainers", BuildContext.FromGit(Git, "main").SourceUri);
        var noRemote = BuildContext.FromGit(Git with { RemoteUrl = null }, "main");
        Assert.Equal(("", "git+file:///home/dev/devcontainers"), (noRemote.SourceUrl, noRemote.SourceUri)); // no image label from a local path
        Assert.Equal("git+file:///srv/git/devcontainers.git", BuildContext.FromGit(Git with { RemoteUrl = "/srv/git/devcontainers.git" }, "main").SourceUri);
        Assert.Equal("git+file:///srv/git/dc", BuildContext.FromGit(Git with { RemoteUrl = "file:///srv/git/dc" }, "main").SourceUri);
        Assert.Equal("git+file:///home/dev/upstream", BuildContext.FromGit(Git with { RemoteUrl = "../upstream" }, "main").SourceUri);
        // In GitHub Actions the server and repository name it; a tree outside git has none.
        Assert.Equal("https://github.com/acme/devcontainers", BuildContext.FromGitHub(Env("push", "refs/heads/main"), null, null, "main").SourceUri);
        Assert.Equal("", BuildContext.FromGit(null, "main").SourceUri);
    }

    [Fact]
    public void Git_release_tag_at_head_wins_and_the_highest_release_is_chosen()
    {
        var context = BuildContext.FromGit(Git with { TagsAtHead = ["nightly", "v1.2.3", "v1.10.0", "v1.10.0-rc.1"] }, "main");
        Assert.Equal((BuildMode.ReleaseTag, "v1.10.0", "refs/tags/v1.10.0"), (context.Mode, context.Version, context.Ref));
    }

    [Fact]
    public void Git_feature_branch_and_detached_head_are_local_mode()
    {
        Assert.Equal(BuildMode.Local, BuildContext.FromGit(Git with { Branch = "feature" }, "main").Mode);
        Assert.Equal(BuildMode.Local, BuildContext.FromGit(Git with { Branch = null }, "main").Mode);
    }

    [Fact]
    public void No_git_at_all_is_local_mode_with_a_fixed_time()
    {
        var context = BuildContext.FromGit(null, "main");
        Assert.Equal((BuildMode.Local, BuildContext.UnknownSha, DateTimeOffset.UnixEpoch), (context.Mode, context.Sha, context.CommitTime));
    }

    [Theory]
    [InlineData("git@github.com:acme/devcontainers.git", "https://github.com/acme/devcontainers")]
    [InlineData("https://x-access-token:secret123@github.com/acme/devcontainers.git", "https://github.com/acme/devcontainers")]
    [InlineData("ssh://git@example.com/acme/dc", "https://example.com/acme/dc")]
    [InlineData("https://git.example.com:8443/acme/dc", "https://git.example.com:8443/acme/dc")]
    [InlineData("/srv/repos/dc.git", "")]
    [InlineData(null, "")]
    public void Remotes_are_normalised_to_https_without_credentials(string? remote, string expected) =>
        Assert.Equal(expected, BuildContext.NormalizeRemote(remote));

    [Theory]
    [InlineData("refs/pull/5/merge", 5)]
    [InlineData("refs/pull/12/head", 12)]
    [InlineData("refs/heads/main", null)]
    [InlineData("refs/pull/x/merge", null)]
    public void Pull_request_numbers_are_read_from_refs(string gitRef, int? expected) =>
        Assert.Equal(expected, BuildContext.PullRequestNumberFrom(gitRef));
}
