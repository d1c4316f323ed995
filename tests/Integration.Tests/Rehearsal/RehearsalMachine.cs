using System.Collections.Concurrent;
using Tests.Shared;

namespace Integration.Tests.Rehearsal;

/// <summary>
/// Where a rehearsal runs: its directory (artifacts, job workspaces), the registry jobs log in to, GitHub's REST API
/// (a <see cref="FakeGitHubApi"/> over the origin repository the checkout clones), what the machine's runner
/// environment adds to every step (the toolchain, fixture knobs), the repository's variables and secrets, and which
/// matrix combinations and steps to run.
/// </summary>
public sealed class RehearsalMachine
{
    public required string RunDirectory { get; init; }
    public required CredentialedRegistry Registry { get; init; }
    public required string OriginRepository { get; init; }
    public required FakeGitHubApi GitHubApi { get; init; }

    /// <summary>Every job token of the rehearsal and its permissions: what GitHub's API (the fake) accepts.</summary>
    public required ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> Tokens { get; init; }

    public Dictionary<string, string?> Environment { get; init; } = new();
    public Dictionary<string, string> Variables { get; init; } = new();
    public Dictionary<string, string> Secrets { get; init; } = new();

    /// <summary>Combinations for which this returns false are not run (reported as left out).</summary>
    public Func<IReadOnlyDictionary<string, object?>, bool> RunsCombination { get; init; } = _ => true;

    /// <summary>A reason to leave a step out (reported as "left out" with the reason), or null to run it.</summary>
    public Func<JobDefinition, StepDefinition, string?> LeaveOutStep { get; init; } = (_, _) => null;

    public Action<string> Log { get; init; } = _ => { };

    /// <summary>Put first on every step's PATH: a `gh` that fails, since a self-hosted runner need not have it.</summary>
    public string ToolDirectory => Path.Combine(RunDirectory, "bin");

    /// <summary>Repository variables as a run sees them: the given ones, overridden by what jobs stored through the API.</summary>
    public Dictionary<string, object?> VariablesNow()
    {
        var vars = ExpressionValue.Object();
        foreach (var (name, value) in Variables) vars[name] = value;
        foreach (var (name, value) in GitHubApi.Variables) vars[name] = value;
        return vars;
    }

    /// <summary>The `gh` that fails (see <see cref="ToolDirectory"/>).</summary>
    public void InstallMissingGh()
    {
        Directory.CreateDirectory(ToolDirectory);
        var path = Path.Combine(ToolDirectory, "gh");
        File.WriteAllText(path, "#!/bin/sh\necho \"gh (rehearsal): gh is not installed on this runner; the workflows must not need it\" >&2\nexit 127\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
