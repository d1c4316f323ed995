using System.Text;
using CliWrap;
using Serilog;

namespace Pipeline.Host.Tooling;

public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>A tool exited non-zero where success was required; the message names the command and the last error lines.</summary>
public sealed class ToolFailedException(string message, ToolResult result) : Exception(message)
{
    public ToolResult Result { get; } = result;
}

/// <summary>
/// Runs a resolved tool with an argument list (never a shell string), streaming its output into the
/// log line by line as it arrives, with secrets masked by the log formatter.
/// </summary>
public static class ToolRunner
{
    public static async Task<ToolResult> RunAsync(
        string toolPath,
        IReadOnlyList<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        bool logOutput = true,
        string? standardInput = null,
        CancellationToken cancellationToken = default)
    {
        var name = Path.GetFileName(toolPath);
        Log.Information("> {Tool:l} {Arguments:l}", name, string.Join(" ", arguments.Select(Quote)));
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var command = Cli.Wrap(toolPath)
            .WithArguments(arguments)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.Merge(
                PipeTarget.ToStringBuilder(stdout),
                PipeTarget.ToDelegate(line => { if (logOutput && line.Length > 0) Log.Information("{Tool:l}: {Line:l}", name, line); })))
            .WithStandardErrorPipe(PipeTarget.Merge(
                PipeTarget.ToStringBuilder(stderr),
                PipeTarget.ToDelegate(line => { if (logOutput && line.Length > 0) Log.Information("{Tool:l}: {Line:l}", name, line); })));
        if (workingDirectory is not null) command = command.WithWorkingDirectory(workingDirectory);
        if (environment is not null) command = command.WithEnvironmentVariables(environment);
        if (standardInput is not null) command = command.WithStandardInputPipe(PipeSource.FromString(standardInput));
        var result = await command.ExecuteAsync(cancellationToken);
        return new ToolResult(result.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs and throws <see cref="ToolFailedException"/> on a non-zero exit.</summary>
    public static async Task<ToolResult> RunCheckedAsync(string toolPath, IReadOnlyList<string> arguments, string? workingDirectory = null,
        bool logOutput = true, CancellationToken cancellationToken = default, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var result = await RunAsync(toolPath, arguments, workingDirectory, environment, logOutput, cancellationToken: cancellationToken);
        if (result.Succeeded) return result;
        var tail = string.Join(" | ", (result.StandardError.Length > 0 ? result.StandardError : result.StandardOutput)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
        throw new ToolFailedException($"{Path.GetFileName(toolPath)} {arguments.FirstOrDefault()} exited with code {result.ExitCode}: {tail}", result);
    }

    private static string Quote(string argument) =>
        argument.Length == 0 || argument.Any(char.IsWhiteSpace) ? $"\"{argument}\"" : argument;
}
