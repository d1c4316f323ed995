using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Pipeline.Host;

public enum Verbosity { Quiet, Minimal, Normal, Verbose }

/// <summary>Every value registered here is replaced by <c>****</c> in every rendered log line.</summary>
public static class SecretMasker
{
    private static readonly HashSet<string> Secrets = [];
    private static readonly Lock Gate = new();

    /// <param name="declared">
    /// True for the value of a [Secret] parameter: masked whatever its length. Values found along the way (tokens
    /// in tool output) must be 4+ characters, because very short values would mask ordinary words.
    /// </param>
    public static void Register(string? secret, bool declared = false)
    {
        if (string.IsNullOrEmpty(secret) || (!declared && secret.Length < 4)) return;
        lock (Gate) Secrets.Add(secret);
    }

    public static string Mask(string text)
    {
        lock (Gate)
            foreach (var secret in Secrets.OrderByDescending(s => s.Length))
                text = text.Replace(secret, "****", StringComparison.Ordinal);
        return text;
    }

    internal static IReadOnlyList<string> Registered { get { lock (Gate) return [.. Secrets]; } }

    internal static void Clear() { lock (Gate) Secrets.Clear(); }
}

/// <summary>Renders with an inner formatter, then masks secrets, so no sink ever sees one.</summary>
internal sealed class MaskingFormatter(ITextFormatter inner) : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new StringWriter();
        inner.Format(logEvent, buffer);
        output.Write(SecretMasker.Mask(buffer.ToString()));
    }
}

internal static class Logging
{
    public static LogEventLevel ToLevel(Verbosity verbosity) => verbosity switch
    {
        Verbosity.Quiet => LogEventLevel.Error,
        Verbosity.Minimal => LogEventLevel.Warning,
        Verbosity.Normal => LogEventLevel.Information,
        _ => LogEventLevel.Debug,
    };

    /// <summary>What the console shows (the verbosity); the log file always gets every event.</summary>
    public static readonly LoggingLevelSwitch Level = new(LogEventLevel.Information);

    /// <summary>An event with this property goes to the log file only (e.g. a line the console already got another way).</summary>
    public const string FileOnlyProperty = "FileOnly";

    /// <summary>The run's full log (every tool line, timestamped), null before <see cref="Configure"/>; it is created on its first line.</summary>
    public static AbsolutePath? LogFile { get; private set; }

    /// <summary>When the console last showed a line: the heartbeat speaks only after a while of silence.</summary>
    public static DateTime LastConsoleLine => new(Interlocked.Read(ref _lastConsoleLineTicks), DateTimeKind.Utc);
    static long _lastConsoleLineTicks = DateTime.UtcNow.Ticks;

    /// <summary>
    /// Console (masked, live; at the verbosity; on a terminal each line starts with the time, GitHub Actions stamps its
    /// own) plus the full log at <paramref name="logFile"/> (masked, every level, created on its first line).
    /// </summary>
    public static void Configure(AbsolutePath? logFile, TextWriter? console = null, HostKind host = HostKind.Terminal)
    {
        var consoleTemplate = host == HostKind.GitHubActions
            ? "{Level:u3}: {Message:lj}{NewLine}{Exception}"
            : "{Timestamp:HH:mm:ss} {Level:u3}: {Message:lj}{NewLine}{Exception}";
        const string fileTemplate = "{Timestamp:HH:mm:ss.fff} {Level:u3}: {Message:lj}{NewLine}{Exception}";
        Interlocked.Exchange(ref _lastConsoleLineTicks, DateTime.UtcNow.Ticks);
        LogFile = logFile;
        var config = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.Sink(new TextWriterSink(new MaskingFormatter(new MessageTemplateTextFormatter(consoleTemplate)), () => console ?? Console.Out,
                skip: e => e.Properties.ContainsKey(FileOnlyProperty), onLine: () => Interlocked.Exchange(ref _lastConsoleLineTicks, DateTime.UtcNow.Ticks)),
                levelSwitch: Level);
        if (logFile is not null)
            config = config.WriteTo.Sink(new TextWriterSink(new MaskingFormatter(new MessageTemplateTextFormatter(fileTemplate)), () => OpenLogFile(logFile), ownsWriter: true));
        Log.Logger = config.CreateLogger();
    }

    static StreamWriter OpenLogFile(AbsolutePath path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new StreamWriter(path, append: false) { AutoFlush = true };
    }

    /// <summary>The log file's path as a user types it: relative to the root when under it.</summary>
    public static string? LogFileForDisplay =>
        LogFile is null ? null : Path.GetRelativePath(NukeBuild.RootDirectory, LogFile) is var relative && !relative.StartsWith("..", StringComparison.Ordinal)
            ? relative.Replace('\\', '/') : (string)LogFile;

    /// <summary>
    /// Writes each event as soon as it arrives (live tool output). The writer is made on the first event (so a run that
    /// logs nothing creates no file); only a writer it owns (the log file) is disposed.
    /// </summary>
    private sealed class TextWriterSink(ITextFormatter formatter, Func<TextWriter> open, bool ownsWriter = false,
        Func<LogEvent, bool>? skip = null, Action? onLine = null) : ILogEventSink, IDisposable
    {
        private readonly Lock _gate = new();
        private TextWriter? _writer;

        public void Emit(LogEvent logEvent)
        {
            if (skip?.Invoke(logEvent) == true) return;
            lock (_gate)
            {
                _writer ??= open();
                formatter.Format(logEvent, _writer);
                _writer.Flush();
            }
            onLine?.Invoke();
        }

        public void Dispose()
        {
            if (ownsWriter) lock (_gate) _writer?.Dispose();
        }
    }
}
