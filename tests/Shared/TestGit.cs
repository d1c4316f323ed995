using System.Diagnostics;

namespace Tests.Shared;

/// <summary>
/// Runs git for a test or a fake over a bare repository: its arguments as a list, standard input written or closed at
/// once; a non-zero exit throws with git's own error.
/// </summary>
public static class TestGit
{
    /// <summary>Git's output without its trailing newlines.</summary>
    public static string Run(string? gitDirectory, params string[] arguments) => RunWithInput(gitDirectory, null, arguments);

    public static string RunWithInput(string? gitDirectory, string? input, params string[] arguments) =>
        RunAsync(gitDirectory, input, null, arguments).GetAwaiter().GetResult().TrimEnd('\n');

    /// <param name="gitDirectory">The repository (--git-dir); null for a command that names its own (git init).</param>
    /// <returns>Git's output as written.</returns>
    public static async Task<string> RunAsync(string? gitDirectory, string? input, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        foreach (var argument in (gitDirectory is null ? [] : new[] { "--git-dir", gitDirectory }).Concat(arguments)) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {await error}");
    }
}
