namespace Pipeline.Host.Tooling;

/// <summary>A required command-line tool is not installed; the message names the tool, the variable and the fix.</summary>
public sealed class ToolNotFoundException(string message) : Exception(message);

/// <summary>NUKE's tool-path resolution: <c>&lt;TOOL&gt;_EXE</c> (which must exist), then PATH.</summary>
public static class ToolResolver
{
    public static string EnvironmentVariableFor(string tool) => tool.ToUpperInvariant().Replace('-', '_') + "_EXE";

    public static string? TryResolve(string tool, IReadOnlyDictionary<string, string?>? environment = null)
    {
        string? Get(string name) => environment is null ? Environment.GetEnvironmentVariable(name) : environment.GetValueOrDefault(name);
        var variable = EnvironmentVariableFor(tool);
        var explicitPath = Get(variable);
        if (!string.IsNullOrEmpty(explicitPath))
            return File.Exists(explicitPath)
                ? Path.GetFullPath(explicitPath)
                : throw new ToolNotFoundException($"{variable} points at '{explicitPath}', which does not exist; fix the path or unset {variable}.");
        foreach (var directory in (Get("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate)) return candidate;
            if (OperatingSystem.IsWindows() && File.Exists(candidate + ".exe")) return candidate + ".exe";
        }
        return null;
    }

    public static string Resolve(string tool, string installHint, IReadOnlyDictionary<string, string?>? environment = null) =>
        TryResolve(tool, environment)
        ?? throw new ToolNotFoundException($"Tool '{tool}' was not found on PATH and {EnvironmentVariableFor(tool)} is not set; {installHint}");
}
