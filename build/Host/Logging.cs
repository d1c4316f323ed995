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

    public static readonly LoggingLevelSwitch Level = new(LogEventLevel.Information);

    /// <summary>Console (masked, live) plus a full log under .nuke/temp/build.log.</summary>
    public static void Configure(AbsolutePath? temporaryDirectory, TextWriter? console = null)
    {
        const string consoleTemplate = "{Level:u3}: {Message:lj}{NewLine}{Exception}";
        const string fileTemplate = "{Timestamp:HH:mm:ss.fff} {Level:u3}: {Message:lj}{NewLine}{Exception}";
        var config = new LoggerConfiguration()
            .MinimumLevel.ControlledBy(Level)
            .WriteTo.Sink(new TextWriterSink(new MaskingFormatter(new MessageTemplateTextFormatter(consoleTemplate)), console ?? Console.Out));
        if (temporaryDirectory is not null)
        {
            temporaryDirectory.CreateDirectory();
            var file = new StreamWriter(temporaryDirectory / "build.log", append: false) { AutoFlush = true };
            config = config.WriteTo.Sink(new TextWriterSink(new MaskingFormatter(new MessageTemplateTextFormatter(fileTemplate)), file, ownsWriter: true), LogEventLevel.Verbose);
        }
        Log.Logger = config.CreateLogger();
    }

    /// <summary>Writes each event as soon as it arrives (live tool output); disposes only a writer it owns (the log file).</summary>
    private sealed class TextWriterSink(ITextFormatter formatter, TextWriter writer, bool ownsWriter = false) : ILogEventSink, IDisposable
    {
        private readonly Lock _gate = new();
        public void Emit(LogEvent logEvent)
        {
            lock (_gate) { formatter.Format(logEvent, writer); writer.Flush(); }
        }

        public void Dispose()
        {
            if (ownsWriter) lock (_gate) writer.Dispose();
        }
    }
}
