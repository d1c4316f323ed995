using System.Diagnostics;
using System.Text;
using CliWrap;
using Serilog;
using Serilog.Events;

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
/// Runs a resolved tool with an argument list (never a shell string). Every output line goes to the log file as it
/// arrives (secrets masked by the log formatter); what the console shows depends on <see cref="ToolOutputPolicy.Mode"/>:
/// every line (GitHub Actions, --verbosity verbose), or the command, step lines from the tool's shaper, a heartbeat
/// after a while of silence, a closing "done in" line and, on failure, the last lines (normal verbosity).
/// </summary>
public static class ToolRunner
{
    /// <summary>How often a running tool checks whether the heartbeat is due (internal: tests shorten it).</summary>
    internal static TimeSpan HeartbeatCheck { get; set; } = TimeSpan.FromSeconds(2);

    /// <param name="logOutput">
    /// False for a query whose output is data the caller reads (a print, an inspect, a verification payload): then neither
    /// its command nor its output reaches the console at normal verbosity, and only its error output the log file.
    /// </param>
    public static async Task<ToolResult> RunAsync(
        string toolPath,
        IReadOnlyList<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        bool logOutput = true,
        string? standardInput = null,
        CancellationToken cancellationToken = default,
        ToolProgress? progress = null)
    {
        var name = Path.GetFileName(toolPath);
        if (Interruption.Requested) throw new BuildInterruptedException($"{DefaultLabel(name, arguments)} was not started: the run was interrupted (Ctrl-C).");
        var mode = ToolOutputPolicy.Mode(NukeBuild.Host, Logging.Level.MinimumLevel);
        var shown = mode == ToolOutputMode.Stream ? LogEventLevel.Information : LogEventLevel.Debug;
        Log.Write(logOutput ? LogEventLevel.Information : shown, "> {Tool:l} {Arguments:l}", name, string.Join(" ", arguments.Select(Quote)));
        var label = progress?.Label ?? DefaultLabel(name, arguments);
        var steps = logOutput && mode == ToolOutputMode.Steps;
        var shaper = steps ? progress?.Shaper() ?? new LastLineShaper() : null;
        var tail = new TailBuffer(ToolOutputPolicy.FailureTail);
        var clock = Stopwatch.StartNew();
        var gate = new Lock();

        void OnLine(string line, bool isError)
        {
            if (line.Length == 0 || (!logOutput && !isError)) return;
            Log.Write(logOutput ? shown : LogEventLevel.Debug, "{Tool:l}: {Line:l}", name, line);
            if (shaper is null) return;
            tail.Add(line);
            string? step;
            lock (gate) step = shaper.Shape(line, clock.Elapsed);
            if (step is not null) Log.Information("{Label:l}: {Step:l}", label, step);
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var command = Cli.Wrap(toolPath)
            .WithArguments(arguments)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.Merge(PipeTarget.ToStringBuilder(stdout), PipeTarget.ToDelegate(line => OnLine(line, isError: false))))
            .WithStandardErrorPipe(PipeTarget.Merge(PipeTarget.ToStringBuilder(stderr), PipeTarget.ToDelegate(line => OnLine(line, isError: true))));
        if (workingDirectory is not null) command = command.WithWorkingDirectory(workingDirectory);
        if (environment is not null) command = command.WithEnvironmentVariables(environment);
        if (standardInput is not null) command = command.WithStandardInputPipe(PipeSource.FromString(standardInput));

        using var stopBeating = new CancellationTokenSource();
        var heartbeat = shaper is null ? Task.CompletedTask : BeatAsync(label, () => { lock (gate) return shaper.Current; }, clock, stopBeating.Token);
        CommandResult result;
        try
        {
            var running = command.ExecuteAsync(cancellationToken);
            // Interrupted: the tool gets SIGINT and ends as it does on Ctrl-C (its exit code returned as usual, so the caller's clean-up runs).
            using var interrupt = Interruption.Token.Register(() => Interruption.Interrupt(running.ProcessId));
            result = await running;
        }
        finally
        {
            await stopBeating.CancelAsync();
            await heartbeat;
        }
        if (shaper is not null) Close(label, result.ExitCode, clock.Elapsed, shaper.Summary, tail.Lines);
        return new ToolResult(result.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The closing line: "done in m:ss" for a long run, the last output lines and the log file for a failed one.</summary>
    static void Close(string label, int exitCode, TimeSpan elapsed, string? summary, IReadOnlyList<string> tail)
    {
        if (exitCode == 0)
        {
            if (elapsed >= ToolOutputPolicy.DoneLineAfter)
                Log.Information("{Label:l}: done in {Elapsed:l}{Summary:l}", label, ToolOutputPolicy.Clock(elapsed), summary is null ? "" : $" ({summary})");
            return;
        }
        if (Interruption.Requested)
        {
            Log.Information("{Label:l}: stopped after {Elapsed:l} (interrupted; its output is in {File:l})", label, ToolOutputPolicy.Clock(elapsed), Logging.LogFileForDisplay ?? "the log");
            return;
        }
        Log.Information("{Label:l}: exited with code {Code} after {Elapsed:l}; its last {Count} lines{Where:l}:", label, exitCode, ToolOutputPolicy.Clock(elapsed), tail.Count,
            Logging.LogFileForDisplay is { } file ? $" (all of them in {file})" : "");
        foreach (var line in tail) Log.Information("  | {Line:l}", line);
    }

    /// <summary>While the tool runs: after <see cref="ToolOutputPolicy.HeartbeatAfter"/> without a console line, what it is doing and for how long.</summary>
    static async Task BeatAsync(string label, Func<(string Activity, TimeSpan Since)?> current, Stopwatch clock, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(HeartbeatCheck, stop);
                if (!ToolOutputPolicy.HeartbeatDue(Logging.LastConsoleLine, DateTime.UtcNow)) continue;
                var now = current();
                Log.Information("{Label:l}: {Activity:l}… {Elapsed:l}", label, now?.Activity ?? "running",
                    ToolOutputPolicy.Clock(now is { } c ? clock.Elapsed - c.Since : clock.Elapsed));
            }
        }
        catch (OperationCanceledException) { } // the tool ended
    }

    /// <summary>"docker buildx bake", "skopeo copy", "cosign sign": the tool and its subcommand (a leading plain word), else the tool.</summary>
    internal static string DefaultLabel(string name, IReadOnlyList<string> arguments)
    {
        var words = arguments.TakeWhile(a => System.Text.RegularExpressions.Regex.IsMatch(a, "^[a-z][a-z0-9-]*$"))
            .Take(name == "docker" && arguments.FirstOrDefault() is "buildx" or "image" ? 2 : 1);
        return string.Join(" ", words.Prepend(name));
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
