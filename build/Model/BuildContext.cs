using System.Text.Json;
using Pipeline.Host;

namespace Pipeline.Model;

/// <summary>Why this run builds, which decides what it may tag and which cache it may write.</summary>
public enum BuildMode
{
    /// <summary>A laptop, a feature branch, a dirty tree or an unrecognised ref: build and validate, push no tags, write no shared cache.</summary>
    Local,
    /// <summary>A pull request: push no tags; read the main cache, write only the PR's own cache (nothing from a fork).</summary>
    PullRequest,
    /// <summary>A push to the default branch: mutable <c>:&lt;id&gt;</c> and immutable <c>:&lt;sha&gt;-&lt;id&gt;</c>; owns the main cache.</summary>
    DefaultBranch,
    /// <summary>A release git tag vX.Y.Z: immutable <c>:vX.Y.Z-&lt;id&gt;</c> plus mutable shorter forms.</summary>
    ReleaseTag,
}

/// <summary>
/// Everything a run knows about where it comes from. <see cref="Detect"/> reads GitHub Actions' variables when
/// GITHUB_EVENT_NAME and GITHUB_SHA are set, else git; <see cref="FromGitHub"/> and <see cref="FromGit"/> are the
/// pure rules behind it.
/// </summary>
public sealed record BuildContext(
    BuildMode Mode,
    string Sha,
    string Ref,
    string EventName,
    int? PullRequestNumber,
    string? Version,
    DateTimeOffset CommitTime,
    string SourceUrl,
    bool IsForkPullRequest = false,
    string Reason = "",
    IReadOnlyList<string>? UncommittedPaths = null,
    string LocalSourceUri = "",
    // The repository's default branch: GitHub's event payload, else the --default-branch parameter.
    string DefaultBranch = "main")
{
    public const string UnknownSha = "0000000000000000000000000000000000000000";

    /// <summary>
    /// The work tree had uncommitted changes (git status --porcelain lists something): the build is not the commit it
    /// names. Read from git only; in GitHub Actions the checkout is the commit.
    /// </summary>
    public bool Dirty => UncommittedPaths is { Count: > 0 };

    /// <summary>
    /// The source as the provenance names it: the remote's URL (<see cref="SourceUrl"/>, also the image's source label), or,
    /// without one, a git+file URI of the repository (or of a remote that is a local path).
    /// </summary>
    public string SourceUri => SourceUrl.Length > 0 ? SourceUrl : LocalSourceUri;

    public ReleaseVersion? Release => ReleaseVersion.TryParse(Version);

    /// <summary>SOURCE_DATE_EPOCH for reproducible layers: the commit time, never the clock.</summary>
    public long SourceDateEpoch => CommitTime.ToUnixTimeSeconds();

    public string Describe() =>
        $"mode={Mode} ({Reason}) event={EventName} ref={Ref} sha={Sha} commit-time={CommitTime.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" +
        (PullRequestNumber is { } n ? $" pr={n}" + (IsForkPullRequest ? " (fork)" : "") : "") +
        (Version is null ? "" : $" version={Version}");

    public static BuildContext Detect(IReadOnlyDictionary<string, string?> environment, string gitRoot, string defaultBranch = "main")
    {
        string? Env(string name) => environment.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;
        if (Env("GITHUB_EVENT_NAME") is null || Env("GITHUB_SHA") is null)
            return FromGit(GitReader.TryRead(gitRoot), defaultBranch);
        // Only the commit time comes from git here (one process; the rest is GitHub's).
        var commitTime = GitReader.TryReadCommitTime(gitRoot, Env("GITHUB_SHA")!);
        JsonElement? payload = null;
        if (Env("GITHUB_EVENT_PATH") is { } eventPath && File.Exists(eventPath))
        {
            try { payload = JsonDocument.Parse(File.ReadAllText(eventPath)).RootElement.Clone(); }
            catch (JsonException e) { throw new BuildInputException($"GITHUB_EVENT_PATH '{eventPath}' is not valid JSON ({e.Message}); point it at the event payload or unset it."); }
        }
        return FromGitHub(Env, commitTime, payload, defaultBranch);
    }

    /// <summary>The rules for a GitHub Actions run. <paramref name="gitCommitTime"/> is git's commit time of GITHUB_SHA, if git knows it.</summary>
    public static BuildContext FromGitHub(Func<string, string?> env, DateTimeOffset? gitCommitTime, JsonElement? eventPayload, string defaultBranch)
    {
        var eventName = env("GITHUB_EVENT_NAME")!;
        var sha = env("GITHUB_SHA")!;
        var gitRef = env("GITHUB_REF") ?? "";
        var source = env("GITHUB_SERVER_URL") is { } server && env("GITHUB_REPOSITORY") is { } repository ? $"{server.TrimEnd('/')}/{repository}" : "";
        var commitTime = gitCommitTime ?? Timestamp(eventPayload, "head_commit", "timestamp") ?? DateTimeOffset.FromUnixTimeSeconds(0);
        defaultBranch = String(eventPayload, "repository", "default_branch") ?? defaultBranch;
        BuildContext Make(BuildMode mode, string reason, int? pr = null, string? version = null, bool fork = false) =>
            new(mode, sha, gitRef, eventName, pr, version, commitTime, source, fork, reason, DefaultBranch: defaultBranch);

        if (eventName is "pull_request" or "pull_request_target")
        {
            var number = PullRequestNumberFrom(gitRef) ?? Number(eventPayload, "pull_request", "number") ?? Number(eventPayload, "number")
                ?? throw new BuildInputException($"GITHUB_EVENT_NAME is {eventName} but neither GITHUB_REF ('{gitRef}') nor the event payload names the pull request; set GITHUB_REF=refs/pull/<n>/merge.");
            var head = String(eventPayload, "pull_request", "head", "repo", "full_name");
            var baseRepo = String(eventPayload, "pull_request", "base", "repo", "full_name");
            // A fork's head repo differs from the base; a deleted fork has no head repo at all.
            var fork = eventPayload is not null && baseRepo is not null && head != baseRepo;
            return Make(BuildMode.PullRequest, fork ? "pull request from a fork" : "pull request", number, fork: fork);
        }
        if (gitRef.StartsWith("refs/tags/", StringComparison.Ordinal))
        {
            var tag = gitRef["refs/tags/".Length..];
            return ReleaseVersion.TryParse(tag) is { } release
                ? Make(BuildMode.ReleaseTag, "release tag", version: release.ToString())
                : Make(BuildMode.Local, $"tag '{tag}' is not vMAJOR.MINOR.PATCH");
        }
        if (gitRef == "refs/heads/" + defaultBranch && eventName is "push" or "workflow_dispatch" or "schedule")
            return Make(BuildMode.DefaultBranch, "default branch");
        return Make(BuildMode.Local, $"{eventName} on {gitRef} is neither the default branch, a release tag nor a pull request");
    }

    /// <summary>The rules without GitHub Actions: a clean checkout at a release tag or on the default branch acts like CI.</summary>
    public static BuildContext FromGit(GitFacts? git, string defaultBranch)
    {
        if (git is null)
            return new(BuildMode.Local, UnknownSha, "", "local", null, null, DateTimeOffset.FromUnixTimeSeconds(0), "", Reason: "not a git checkout", DefaultBranch: defaultBranch);
        var source = NormalizeRemote(git.RemoteUrl);
        var localSource = source.Length > 0 ? "" : LocalSource(git.RemoteUrl, git.TopLevel);
        var headRef = git.Branch is null ? "HEAD" : "refs/heads/" + git.Branch;
        BuildContext Make(BuildMode mode, string reason, string gitRef, string? version = null) =>
            new(mode, git.Sha, gitRef, "local", null, version, git.CommitTime, source, Reason: reason, UncommittedPaths: git.UncommittedPaths, LocalSourceUri: localSource,
                DefaultBranch: defaultBranch);

        // A dirty tree is not the commit it claims to be: never tag or cache it as that commit.
        if (git.IsDirty) return Make(BuildMode.Local, "uncommitted changes", headRef);
        var release = git.TagsAtHead.Select(ReleaseVersion.TryParse).OfType<ReleaseVersion>()
            .OrderDescending(Comparer<ReleaseVersion>.Create(ReleaseVersion.Compare)).FirstOrDefault();
        if (release is not null) return Make(BuildMode.ReleaseTag, "release tag at HEAD", "refs/tags/" + release, release.ToString());
        if (git.Branch == defaultBranch) return Make(BuildMode.DefaultBranch, "default branch", headRef);
        return Make(BuildMode.Local, git.Branch is null ? "detached HEAD" : $"branch '{git.Branch}'", headRef);
    }

    /// <summary>
    /// A git+file URI: of a remote that is a local path (or file:// URL), else of the work tree itself (no remote, or one
    /// <see cref="NormalizeRemote"/> cannot make an https URL of without guessing); "" when neither is known.
    /// </summary>
    public static string LocalSource(string? remote, string? topLevel)
    {
        if (!string.IsNullOrWhiteSpace(remote))
        {
            remote = remote.Trim();
            if (Uri.TryCreate(remote, UriKind.Absolute, out var uri) && uri.IsFile) return "git+" + uri.AbsoluteUri;
            if (Path.IsPathRooted(remote)) return "git+" + new Uri(remote).AbsoluteUri;
            if (remote.StartsWith('.') && topLevel is not null) return "git+" + new Uri(Path.GetFullPath(Path.Combine(topLevel, remote))).AbsoluteUri;
        }
        return topLevel is null ? "" : "git+" + new Uri(topLevel).AbsoluteUri;
    }

    public static int? PullRequestNumberFrom(string gitRef)
    {
        var parts = gitRef.Split('/');
        return parts is ["refs", "pull", var n, "merge" or "head"] && int.TryParse(n, out var number) && number > 0 ? number : null;
    }

    /// <summary>https form of a remote, without credentials: git@host:o/r.git and https://user:token@host/o/r.git both become https://host/o/r.</summary>
    public static string NormalizeRemote(string? remote)
    {
        if (string.IsNullOrWhiteSpace(remote)) return "";
        remote = remote.Trim();
        if (remote.EndsWith(".git", StringComparison.Ordinal)) remote = remote[..^4];
        if (remote.StartsWith("git@", StringComparison.Ordinal) && remote.IndexOf(':') is var colon and > 4)
            return $"https://{remote[4..colon]}/{remote[(colon + 1)..]}";
        if (Uri.TryCreate(remote, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" or "ssh")
            return $"https://{uri.Host}{(uri.IsDefaultPort || uri.Scheme == "ssh" ? "" : ":" + uri.Port)}{uri.AbsolutePath}";
        return "";
    }

    private static JsonElement? Walk(JsonElement? root, string[] path)
    {
        if (root is not { } element) return null;
        foreach (var name in path)
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return null;
        return element;
    }

    private static string? String(JsonElement? root, params string[] path) =>
        Walk(root, path) is { ValueKind: JsonValueKind.String } e ? e.GetString() : null;

    private static int? Number(JsonElement? root, params string[] path) =>
        Walk(root, path) is { ValueKind: JsonValueKind.Number } e && e.TryGetInt32(out var n) ? n : null;

    private static DateTimeOffset? Timestamp(JsonElement? root, params string[] path) =>
        String(root, path) is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
