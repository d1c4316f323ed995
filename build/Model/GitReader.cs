using System.Diagnostics;

namespace Pipeline.Model;

/// <summary>
/// Reads <see cref="GitFacts"/> with plain git commands (argument lists, no shell). Returns null when the
/// directory is not inside a git work tree or git is not installed, so callers can fall back explicitly.
/// </summary>
public static class GitReader
{
    public static GitFacts? TryRead(string workingDirectory, string revision = "HEAD")
    {
        var sha = Git(workingDirectory, "rev-parse", "--verify", revision + "^{commit}");
        if (sha is null) return null;
        var branch = Git(workingDirectory, "rev-parse", "--abbrev-ref", "HEAD");
        var tags = (Git(workingDirectory, "tag", "--points-at", sha) ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var epoch = long.Parse(Git(workingDirectory, "log", "-1", "--format=%ct", sha) ?? "0");
        return new GitFacts(
            Sha: sha,
            Branch: branch is null or "HEAD" ? null : branch,
            TagsAtHead: tags,
            CommitTime: DateTimeOffset.FromUnixTimeSeconds(epoch),
            RemoteUrl: Git(workingDirectory, "remote", "get-url", "origin"),
            UncommittedPaths: UncommittedPaths(workingDirectory),
            TopLevel: Git(workingDirectory, "rev-parse", "--show-toplevel"));
    }

    /// <summary>
    /// `git status --porcelain` (untracked files included, ignored ones never): each line's path, the new one of a rename.
    /// Git's own quoting of unusual names is kept; the paths only name the problem in a message.
    /// </summary>
    static IReadOnlyList<string> UncommittedPaths(string workingDirectory) =>
        (GitUntrimmed(workingDirectory, "status", "--porcelain") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.Length > 3).Select(PathOf).ToList();

    /// <summary>"XY path" or "XY old -> new" (a rename): the path as it is now.</summary>
    static string PathOf(string porcelainLine)
    {
        var path = porcelainLine[3..];
        var arrow = path.IndexOf(" -> ", StringComparison.Ordinal);
        return arrow >= 0 ? path[(arrow + 4)..] : path;
    }

    /// <summary>The committer time of one commit (one git process), or null when git does not know it.</summary>
    public static DateTimeOffset? TryReadCommitTime(string workingDirectory, string revision) =>
        long.TryParse(Git(workingDirectory, "log", "-1", "--format=%ct", revision + "^{commit}"), out var epoch) ? DateTimeOffset.FromUnixTimeSeconds(epoch) : null;

    /// <summary>Runs git and returns trimmed stdout, or null on a non-zero exit or a missing git.</summary>
    private static string? Git(string workingDirectory, params string[] arguments) => GitUntrimmed(workingDirectory, arguments)?.Trim();

    /// <summary>Stdout as git wrote it (porcelain output starts with a significant space), or null.</summary>
    private static string? GitUntrimmed(string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
