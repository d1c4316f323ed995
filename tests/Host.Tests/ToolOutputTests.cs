using Pipeline.Host;
using Pipeline.Host.Tooling;
using Serilog.Events;
using Xunit;

namespace Host.Tests;

/// <summary>Issue 22, case 5: tool output in full in the log file; on the console step lines, a heartbeat and a failure's last lines.</summary>
public class ToolOutputTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("tool-output-").FullName;
    readonly StringWriter _console = new();
    AbsolutePath LogFile => AbsolutePath.Create(Path.Combine(_directory, "logs", "build.log"));

    public ToolOutputTests() => Configure(HostKind.Terminal, Verbosity.Normal);

    void Configure(HostKind host, Verbosity verbosity)
    {
        NukeBuild.Host = host;
        Logging.Level.MinimumLevel = Logging.ToLevel(verbosity);
        Logging.Configure(LogFile, _console, host);
    }

    string Console => _console.ToString();
    string LogText { get { Serilog.Log.CloseAndFlush(); return File.ReadAllText(LogFile); } }

    public void Dispose()
    {
        Serilog.Log.CloseAndFlush();
        (NukeBuild.Host, Logging.Level.MinimumLevel) = (HostKind.Terminal, LogEventLevel.Information);
        (ToolOutputPolicy.HeartbeatAfter, ToolOutputPolicy.DoneLineAfter, ToolRunner.HeartbeatCheck) = (TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2));
        Directory.Delete(_directory, recursive: true);
    }

    const string ThirtyLinesThenFail = "i=1; while [ $i -le 30 ]; do echo line $i; i=$((i+1)); done; exit 4";

    [Fact]
    public async Task At_normal_verbosity_a_failed_tool_shows_its_command_and_last_20_lines_and_the_log_file_has_all()
    {
        var result = await ToolRunner.RunAsync("/bin/sh", ["-c", ThirtyLinesThenFail]);
        Assert.Equal(4, result.ExitCode);
        Assert.Contains($"INF: > sh -c \"{ThirtyLinesThenFail}\"", Console);
        Assert.Contains($"INF: sh: exited with code 4 after 0:00; its last 20 lines (all of them in {LogFile}):", Console);
        Assert.Contains("INF:   | line 11\n", Console);
        Assert.Contains("INF:   | line 30\n", Console);
        Assert.DoesNotContain("line 10\n", Console);
        Assert.Matches(@"^\d\d:\d\d:\d\d INF: ", Console); // a terminal's lines start with the time
        var log = LogText;
        for (var i = 1; i <= 30; i++) Assert.Contains($"DBG: sh: line {i}\n", log);
        Assert.Matches(@"\d\d:\d\d:\d\d\.\d{3} DBG: sh: line 1\n", log);
    }

    [Fact]
    public async Task Verbose_streams_every_line_and_GitHub_Actions_too_without_a_tail_or_timestamps()
    {
        Configure(HostKind.Terminal, Verbosity.Verbose);
        await ToolRunner.RunAsync("/bin/sh", ["-c", ThirtyLinesThenFail]);
        Assert.Contains("INF: sh: line 1\n", Console);
        Assert.DoesNotContain("its last 20 lines", Console);

        _console.GetStringBuilder().Clear();
        Configure(HostKind.GitHubActions, Verbosity.Normal);
        await ToolRunner.RunAsync("/bin/sh", ["-c", ThirtyLinesThenFail]);
        Assert.StartsWith("INF: > sh -c", Console); // Actions stamps each line itself
        Assert.Contains("\nINF: sh: line 1\n", Console);
        Assert.DoesNotContain("its last 20 lines", Console);
    }

    [Fact]
    public async Task A_failure_message_points_where_the_console_showed_the_output_and_at_minimal_verbosity_to_the_log_file()
    {
        Assert.Equal("see its last lines above", ToolOutputPolicy.WhereFailedOutputIs());
        Configure(HostKind.Terminal, Verbosity.Verbose);
        Assert.Equal("see its output above", ToolOutputPolicy.WhereFailedOutputIs());
        Configure(HostKind.Terminal, Verbosity.Minimal);
        await ToolRunner.RunAsync("/bin/sh", ["-c", ThirtyLinesThenFail]);
        Assert.DoesNotContain("line 30", Console); // nothing above to see
        Assert.Equal($"its output is not shown at this verbosity: see {LogFile}", ToolOutputPolicy.WhereFailedOutputIs());
        Assert.Equal("its output is not shown at this verbosity; run again with --verbosity normal",
            ToolOutputPolicy.WhereFailedOutputIs(ToolOutputMode.Quiet, logFile: null));
    }

    [Fact]
    public async Task A_query_s_command_and_output_stay_in_the_log_file()
    {
        var result = await ToolRunner.RunAsync("/bin/sh", ["-c", "echo data; echo complaint >&2"], logOutput: false);
        Assert.Equal("data\n", result.StandardOutput);
        Assert.Equal("", Console);
        var log = LogText;
        Assert.Contains("DBG: > sh -c \"echo data; echo complaint >&2\"", log);
        Assert.Contains("DBG: sh: complaint", log);
        Assert.DoesNotContain("sh: data", log); // data the caller reads, not output for people
    }

    [Fact]
    public async Task A_silent_tool_gets_a_heartbeat_naming_what_it_last_said_and_a_long_one_a_done_line()
    {
        (ToolOutputPolicy.HeartbeatAfter, ToolOutputPolicy.DoneLineAfter, ToolRunner.HeartbeatCheck) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));
        var progress = new ToolProgress("Export", () => new LastLineShaper());
        await ToolRunner.RunAsync("/bin/sh", ["-c", "echo exporting layers; sleep 3"], progress: progress);
        Assert.Matches(@"INF: Export: exporting layers… 0:0[1-3]\n", Console);
        Assert.Matches(@"INF: Export: done in 0:0[3-9]\n", Console);
    }

    [Fact]
    public async Task The_shaper_s_step_lines_reach_the_console()
    {
        var progress = new ToolProgress("Steps", () => new EveryOtherLine());
        await ToolRunner.RunAsync("/bin/sh", ["-c", "echo a; echo b; echo c"], progress: progress);
        Assert.Contains("INF: Steps: step a\n", Console);
        Assert.Contains("INF: Steps: step c\n", Console);
        Assert.DoesNotContain("step b", Console);
    }

    sealed class EveryOtherLine : IToolOutputShaper
    {
        int _count;
        public string? Shape(string line, TimeSpan elapsed) => _count++ % 2 == 0 ? "step " + line : null;
        public (string Activity, TimeSpan Since)? Current => null;
        public string? Summary => null;
    }

    [Theory]
    [InlineData(HostKind.Terminal, LogEventLevel.Information, ToolOutputMode.Steps)]
    [InlineData(HostKind.Terminal, LogEventLevel.Debug, ToolOutputMode.Stream)]
    [InlineData(HostKind.Terminal, LogEventLevel.Warning, ToolOutputMode.Quiet)]
    [InlineData(HostKind.GitHubActions, LogEventLevel.Information, ToolOutputMode.Stream)]
    public void The_console_streams_on_GitHub_Actions_and_at_verbose_shapes_at_normal_and_is_quiet_below(HostKind host, LogEventLevel level, ToolOutputMode mode) =>
        Assert.Equal(mode, ToolOutputPolicy.Mode(host, level));

    [Fact]
    public void The_heartbeat_waits_for_silence_labels_name_the_subcommand_and_the_tail_keeps_the_last_lines()
    {
        var now = DateTime.UtcNow;
        Assert.False(ToolOutputPolicy.HeartbeatDue(now - TimeSpan.FromSeconds(19), now));
        Assert.True(ToolOutputPolicy.HeartbeatDue(now - TimeSpan.FromSeconds(20), now));
        Assert.Equal("docker buildx bake", ToolRunner.DefaultLabel("docker", ["buildx", "bake", "-f", "x"]));
        Assert.Equal("skopeo copy", ToolRunner.DefaultLabel("skopeo", ["copy", "--all", "a", "b"]));
        Assert.Equal("skopeo", ToolRunner.DefaultLabel("skopeo", ["--command-timeout", "10s", "inspect"]));
        Assert.Equal("sh", ToolRunner.DefaultLabel("sh", ["-c", "echo x"]));
        Assert.Equal("docker run", ToolRunner.DefaultLabel("docker", ["run", "--rm", "image"]));
        var tail = new TailBuffer(2);
        foreach (var line in new[] { "a", "b", "c" }) tail.Add(line);
        Assert.Equal(["b", "c"], tail.Lines);
        var last = new LastLineShaper();
        last.Shape("  copying blob  ", TimeSpan.FromSeconds(3));
        last.Shape("", TimeSpan.FromSeconds(4));
        Assert.Equal(("copying blob", TimeSpan.FromSeconds(3)), last.Current);
        Assert.Equal("1:05:09", ToolOutputPolicy.Clock(new TimeSpan(1, 5, 9)));
        Assert.Equal("2:03", ToolOutputPolicy.Clock(TimeSpan.FromSeconds(123)));
    }
}
