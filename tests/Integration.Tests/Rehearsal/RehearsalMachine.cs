namespace Integration.Tests.Rehearsal;

/// <summary>
/// Where a rehearsal runs: its directory (artifacts, job workspaces, the origin repository the checkout clones, the
/// variable store), the registry jobs log in to, what the machine's runner environment adds to every step (the
/// toolchain, fixture knobs), the repository's variables and secrets, and which matrix combinations to run.
/// </summary>
public sealed class RehearsalMachine
{
    public required string RunDirectory { get; init; }
    public required CredentialedRegistry Registry { get; init; }
    public required string OriginRepository { get; init; }
    public Dictionary<string, string?> Environment { get; init; } = new();
    public Dictionary<string, string> Variables { get; init; } = new();
    public Dictionary<string, string> Secrets { get; init; } = new();

    /// <summary>Combinations for which this returns false are not run (reported as left out).</summary>
    public Func<IReadOnlyDictionary<string, object?>, bool> RunsCombination { get; init; } = _ => true;

    public Action<string> Log { get; init; } = _ => { };

    public string VariableStore => Path.Combine(RunDirectory, "variables");
    public string TokenScopes => Path.Combine(RunDirectory, "tokens");
    public string ToolDirectory => Path.Combine(RunDirectory, "bin");

    /// <summary>Repository variables as a run sees them: the given ones, overridden by what jobs stored (gh variable set).</summary>
    public Dictionary<string, object?> VariablesNow()
    {
        var vars = ExpressionValue.Object();
        foreach (var (name, value) in Variables) vars[name] = value;
        if (Directory.Exists(VariableStore))
            foreach (var file in Directory.GetFiles(VariableStore)) vars[Path.GetFileName(file)] = File.ReadAllText(file).TrimEnd('\n');
        return vars;
    }
}
