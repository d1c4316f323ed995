using System.Text.RegularExpressions;

namespace Integration.Tests.Harness;

/// <summary>
/// The variables `container-toolchain env` prints (PATH, DOCKER_HOST, DOCKER_CONFIG, CONTAINER_TOOLCHAIN_REGISTRY).
/// .ci/run evals them before `dotnet test`, so the test process inherits them; when it did not (an IDE, a plain
/// `dotnet test`), they are read from the script beside the repository and applied to every child process.
/// </summary>
public static partial class ToolchainEnvironment
{
    static readonly Lazy<IReadOnlyDictionary<string, string?>> VariablesLazy = new(Load);

    /// <summary>Overrides applied to child processes (empty when the test process already has them).</summary>
    public static IReadOnlyDictionary<string, string?> Variables => VariablesLazy.Value;

    /// <summary>A variable as a child process will see it.</summary>
    public static string? Get(string name) =>
        Variables.TryGetValue(name, out var value) ? value : Environment.GetEnvironmentVariable(name);

    public static string RegistryAddress => Get("CONTAINER_TOOLCHAIN_REGISTRY") is { Length: > 0 } r ? r : "127.0.0.1:5000";

    static IReadOnlyDictionary<string, string?> Load()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"))) return new Dictionary<string, string?>();
        var script = RepoPaths.ToolchainScript;
        if (!File.Exists(script)) return new Dictionary<string, string?>();
        var result = ProcessRunner.RunWithoutToolchainAsync("bash", [script, "env"]).GetAwaiter().GetResult();
        return result.ExitCode == 0
            ? Parse(result.StandardOutput, Environment.GetEnvironmentVariable("PATH") ?? "")
            : new Dictionary<string, string?>();
    }

    /// <summary>Parses `export NAME=value` / `export NAME="value"` lines; `$PATH` expands to <paramref name="currentPath"/>.</summary>
    public static IReadOnlyDictionary<string, string?> Parse(string exportLines, string currentPath)
    {
        var variables = new Dictionary<string, string?>();
        foreach (var line in exportLines.Split('\n'))
        {
            var match = ExportLine().Match(line.Trim());
            if (!match.Success) continue;
            var value = match.Groups["value"].Value;
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1];
            variables[match.Groups["name"].Value] = value.Replace("${PATH}", currentPath).Replace("$PATH", currentPath);
        }
        return variables;
    }

    [GeneratedRegex(@"^export\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>.*)$")]
    private static partial Regex ExportLine();
}
