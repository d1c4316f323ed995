using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.Host.Tooling;

namespace Pipeline.Tools;

/// <summary>
/// Reads BuildKit's plain progress (<c>--progress plain</c>: <c>#N name</c>, then <c>#N</c> output, phase and
/// <c>#N DONE 1.2s</c> / <c>CACHED</c> / <c>ERROR: …</c> lines, interleaved) into one console line per finished step
/// that took a while, with BuildKit's own time for it, and says which step runs now for the heartbeat (e.g. an
/// export's "exporting layers", which prints nothing for minutes). The log file keeps BuildKit's lines as they were.
/// </summary>
public sealed partial class BuildKitProgress : IToolOutputShaper
{
    /// <summary>A step that took less gets no line of its own (the closing line counts it).</summary>
    public static readonly TimeSpan StepLineAfter = TimeSpan.FromSeconds(1);

    /// <summary>A phase of a step (an export's "exporting layers", "sending tarball") that took this long gets a line.</summary>
    public static readonly TimeSpan PhaseLineAfter = TimeSpan.FromSeconds(5);

    const int NameLength = 90, DetailLength = 50;

    sealed class Step(string header, string name, TimeSpan started)
    {
        public string Header { get; } = header;
        public string Name { get; } = name;
        public TimeSpan Started { get; } = started;
        public (string Text, TimeSpan Started)? Phase { get; set; }
        public string? LastOutput { get; set; }
        public bool Finished { get; set; }
        /// <summary>The longest phase that got a line of its own: a step that was little else needs no second line.</summary>
        public TimeSpan PhaseShown { get; set; }
    }

    readonly Dictionary<int, Step> _steps = [];
    int _done, _cached;

    [GeneratedRegex(@"^#(\d+) (.+)$")] private static partial Regex ProgressLine();
    [GeneratedRegex(@"^DONE (\d+(?:\.\d+)?)s$")] private static partial Regex DoneLine();
    [GeneratedRegex(@"^(.+?) (\d+(?:\.\d+)?)s done$")] private static partial Regex PhaseDone();
    [GeneratedRegex(@"^(\d+(?:\.\d+)?) (.*)$")] private static partial Regex StepOutput(); // "#5 12.31 Unpacking gcc-14 ...": a RUN's own output
    [GeneratedRegex(@"\s+")] private static partial Regex Whitespace();

    public string? Shape(string line, TimeSpan elapsed)
    {
        var match = ProgressLine().Match(line);
        if (!match.Success) return null;
        var id = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var rest = match.Groups[2].Value.Trim();
        if (id == 0) return null; // "#0 building with "default" instance …": the session, never done
        if (!_steps.TryGetValue(id, out var step))
        {
            _steps[id] = new Step(rest, Short(rest, NameLength), elapsed);
            return null;
        }
        if (rest == "..." || rest == step.Header) return null; // another step's lines interleaved; this one resumes
        if (rest == "CACHED") { Finish(step, cached: true); return null; }
        if (rest == "CANCELED") { step.Finished = true; return null; }
        if (rest.StartsWith("ERROR: ", StringComparison.Ordinal))
        {
            step.Finished = true;
            return $"{step.Name} failed: {rest["ERROR: ".Length..]}";
        }
        if (DoneLine().Match(rest) is { Success: true } done)
        {
            Finish(step, cached: false);
            var took = Seconds(done.Groups[1].Value);
            return took >= StepLineAfter && took - step.PhaseShown >= StepLineAfter ? $"{step.Name} {ToolOutputPolicy.Clock(took)}" : null;
        }
        if (StepOutput().Match(rest) is { Success: true } output)
        {
            step.LastOutput = output.Groups[2].Value.Trim() is { Length: > 0 } text ? Short(text, DetailLength) : step.LastOutput;
            return null;
        }
        if (PhaseDone().Match(rest) is { Success: true } phase)
        {
            step.Phase = null;
            var took = Seconds(phase.Groups[2].Value);
            if (took < PhaseLineAfter) return null;
            step.PhaseShown = took > step.PhaseShown ? took : step.PhaseShown;
            return $"{step.Name}: {Short(phase.Groups[1].Value, DetailLength)} {ToolOutputPolicy.Clock(took)}";
        }
        step.Phase = rest.EndsWith(" done", StringComparison.Ordinal) ? null : (Short(rest, DetailLength), elapsed);
        return null;
    }

    /// <summary>The step started last among those still running (with its phase or last output), and how many more run beside it.</summary>
    public (string Activity, TimeSpan Since)? Current
    {
        get
        {
            var running = _steps.Values.Where(s => !s.Finished).ToList();
            if (running.Count == 0) return null;
            var latest = running.MaxBy(s => s.Phase?.Started ?? s.Started)!;
            var text = latest.Phase is { } phase ? $"{latest.Name}: {phase.Text}" : latest.LastOutput is { } output ? $"{latest.Name}: {output}" : latest.Name;
            return (running.Count > 1 ? $"{text} (and {running.Count - 1} more)" : text, latest.Phase?.Started ?? latest.Started);
        }
    }

    public string? Summary => _done + _cached == 0 ? null : $"{_done + _cached} steps, {_cached} cached";

    void Finish(Step step, bool cached)
    {
        if (step.Finished) return;
        step.Finished = true;
        if (cached) _cached++; else _done++;
    }

    static TimeSpan Seconds(string text) => TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture));

    static string Short(string text, int length)
    {
        var single = Whitespace().Replace(text, " ");
        return single.Length <= length ? single : single[..(length - 1)].TrimEnd() + "…";
    }
}
