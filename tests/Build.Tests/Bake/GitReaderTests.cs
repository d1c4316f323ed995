using System.Diagnostics;
using Xunit;

namespace BuildTests.Bake;

/// <summary>Runs real git in a throwaway repository: the facts Detect relies on.</summary>
public class GitReaderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("gitreader-").FullName;

    void Git(params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["GIT_COMMITTER_DATE"] = "2024-05-06T07:08:09Z";
        info.Environment["GIT_AUTHOR_DATE"] = "2020-01-01T00:00:00Z";
        using var p = Process.Start(info)!;
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)}: {p.StandardError.ReadToEnd()}");
    }

    void Commit()
    {
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "t@example.com");
        Git("config", "user.name", "t");
        File.WriteAllText(Path.Combine(_dir, "a.txt"), "a");
        Git("add", "a.txt");
        Git("commit", "-q", "-m", "one");
    }

    [Fact]
    public void Reads_sha_branch_tags_commit_time_and_cleanliness()
    {
        Commit();
        Git("tag", "v1.2.3");
        Git("remote", "add", "origin", "git@github.com:acme/dc.git");
        var facts = GitReader.TryRead(_dir)!;
        Assert.Matches("^[0-9a-f]{40}$", facts.Sha);
        Assert.Equal("main", facts.Branch);
        Assert.Equal(["v1.2.3"], facts.TagsAtHead);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero), facts.CommitTime); // committer time, not author time
        Assert.Equal("git@github.com:acme/dc.git", facts.RemoteUrl);
        Assert.False(facts.IsDirty);
        Assert.Equal(new DirectoryInfo(_dir).FullName, new DirectoryInfo(facts.TopLevel!).FullName);
        File.WriteAllText(Path.Combine(_dir, "a.txt"), "changed");
        Assert.True(GitReader.TryRead(_dir)!.IsDirty);
    }

    [Fact]
    public void Untracked_files_count_as_uncommitted_changes_but_ignored_files_never_do()
    {
        Commit();
        File.WriteAllText(Path.Combine(_dir, ".gitignore"), "cosign.key\n");
        Git("add", ".gitignore");
        Git("commit", "-q", "-m", "ignore");
        File.WriteAllText(Path.Combine(_dir, "cosign.key"), "secret");
        Assert.Empty(GitReader.TryRead(_dir)!.UncommittedPaths);

        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "untracked");
        Git("mv", "a.txt", "b.txt");
        Assert.Equal(["b.txt", "notes.txt"], GitReader.TryRead(_dir)!.UncommittedPaths.Order());
    }

    [Fact]
    public void Detect_without_GitHub_variables_uses_git()
    {
        Commit();
        var context = BuildContext.Detect(new Dictionary<string, string?>(), _dir);
        Assert.Equal((BuildMode.DefaultBranch, new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero)), (context.Mode, context.CommitTime));
    }

    [Fact]
    public void Detect_with_GitHub_variables_uses_them_and_git_for_the_commit_time()
    {
        Commit();
        var sha = GitReader.TryRead(_dir)!.Sha;
        var eventFile = Path.Combine(_dir, "event.json");
        File.WriteAllText(eventFile, """{"pull_request":{"number":8,"head":{"repo":{"full_name":"a/b"}},"base":{"repo":{"full_name":"a/b"}}}}""");
        var context = BuildContext.Detect(new Dictionary<string, string?>
        {
            ["GITHUB_EVENT_NAME"] = "pull_request", ["GITHUB_REF"] = "refs/pull/8/merge", ["GITHUB_SHA"] = sha, ["GITHUB_EVENT_PATH"] = eventFile,
        }, _dir);
        Assert.Equal((BuildMode.PullRequest, 8, false, sha), (context.Mode, context.PullRequestNumber, context.IsForkPullRequest, context.Sha));
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero), context.CommitTime);
    }

    [Fact]
    public void The_commit_time_of_one_commit_is_its_committer_time_and_null_for_an_unknown_commit()
    {
        Commit();
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero), GitReader.TryReadCommitTime(_dir, GitReader.TryRead(_dir)!.Sha));
        Assert.Null(GitReader.TryReadCommitTime(_dir, new string('a', 40)));
    }

    [Fact]
    public void Outside_a_repository_there_are_no_facts() => Assert.Null(GitReader.TryRead(_dir));

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
