using Serilog.Events;

namespace Pipeline.Host.Tooling;

/// <summary>
/// Turns one run of a tool's output into what the console shows at normal verbosity: the log file gets every line
/// regardless. One instance per run (it keeps state, e.g. which build step is running).
/// </summary>
public interface IToolOutputShaper
{
    /// <summary>The console line this output line completes (a finished step with its time), or null.</summary>
    string? Shape(string line, TimeSpan elapsed);

    /// <summary>What the tool is doing now and since when (for the heartbeat), or null when its output says nothing.</summary>
    (string Activity, TimeSpan Since)? Current { get; }

    /// <summary>What the closing line adds after "done in m:ss" (e.g. "12 steps, 9 cached"), or null.</summary>
    string? Summary { get; }
}

/// <summary>A tool without a shaper of its own: no step lines; the heartbeat shows its last output line.</summary>
public sealed class LastLineShaper : IToolOutputShaper
{
    const int MaxLength = 100;
    (string Activity, TimeSpan Since)? _current;

    public string? Shape(string line, TimeSpan elapsed)
    {
        var text = line.Trim();
        if (text.Length > 0) _current = (text.Length > MaxLength ? text[..MaxLength] + "…" : text, elapsed);
        return null;
    }

    public (string Activity, TimeSpan Since)? Current => _current;
    public string? Summary => null;
}

/// <summary>How one tool run is presented: the name its lines carry and the shaper of its output.</summary>
/// <param name="Label">E.g. "Bake gcc14-clang20" (default: the tool and its subcommand, "skopeo copy").</param>
public sealed record ToolProgress(string Label, Func<IToolOutputShaper> Shaper);

/// <summary>Where a tool's output goes on the console.</summary>
public enum ToolOutputMode
{
    /// <summary>Every line, as the tool wrote it (GitHub Actions: its log is the record and stamps each line; --verbosity verbose).</summary>
    Stream,
    /// <summary>Step lines, a heartbeat when nothing was shown for a while, the last lines on failure; all of it in the log file.</summary>
    Steps,
    /// <summary>Nothing but warnings and errors (--verbosity minimal or quiet).</summary>
    Quiet,
}

/// <summary>Pure: the console's treatment of tool output, and when the heartbeat speaks.</summary>
public static class ToolOutputPolicy
{
    public static ToolOutputMode Mode(HostKind host, LogEventLevel consoleLevel) =>
        host == HostKind.GitHubActions || consoleLevel <= LogEventLevel.Debug ? ToolOutputMode.Stream
        : consoleLevel == LogEventLevel.Information ? ToolOutputMode.Steps : ToolOutputMode.Quiet;

    /// <summary>How long the console may stay silent during a tool run before the heartbeat says what is going on (internal set: tests shorten it).</summary>
    public static TimeSpan HeartbeatAfter { get; internal set; } = TimeSpan.FromSeconds(20);

    public static bool HeartbeatDue(DateTime lastConsoleLine, DateTime now) => now - lastConsoleLine >= HeartbeatAfter;

    /// <summary>A run this long gets a closing "done in" line (a shorter one's start line says enough).</summary>
    public static TimeSpan DoneLineAfter { get; internal set; } = TimeSpan.FromSeconds(10);

    /// <summary>m:ss (h:mm:ss from an hour on): elapsed time in step lines and heartbeats.</summary>
    public static string Clock(TimeSpan elapsed) =>
        elapsed >= TimeSpan.FromHours(1) ? $"{(int)elapsed.TotalHours}:{elapsed.Minutes:00}:{elapsed.Seconds:00}" : $"{(int)elapsed.TotalMinutes}:{elapsed.Seconds:00}";

    /// <summary>How many of a failed run's last output lines the console shows (all of them are in the log file).</summary>
    public const int FailureTail = 20;

    /// <summary>
    /// Where a failed command's output can be read, as the console showed it: above (streamed, or its last lines; a failed
    /// target names the log file too), or at --verbosity minimal or quiet, which show none of it, the log file.
    /// </summary>
    public static string WhereFailedOutputIs(ToolOutputMode mode, string? logFile) => mode switch
    {
        ToolOutputMode.Stream => "see its output above",
        ToolOutputMode.Steps => "see its last lines above",
        _ => logFile is null ? "its output is not shown at this verbosity; run again with --verbosity normal"
            : $"its output is not shown at this verbosity: see {logFile}",
    };

    /// <summary><see cref="WhereFailedOutputIs(ToolOutputMode, string?)"/> for this run's console and log file.</summary>
    public static string WhereFailedOutputIs() => WhereFailedOutputIs(Mode(NukeBuild.Host, Logging.Level.MinimumLevel), Logging.LogFileForDisplay);
}

/// <summary>The last lines a tool printed, for the console when it fails.</summary>
public sealed class TailBuffer(int capacity)
{
    readonly Queue<string> _lines = new();
    readonly Lock _gate = new();

    public void Add(string line)
    {
        lock (_gate)
        {
            _lines.Enqueue(line);
            if (_lines.Count > capacity) _lines.Dequeue();
        }
    }

    public IReadOnlyList<string> Lines { get { lock (_gate) return [.. _lines]; } }
}
