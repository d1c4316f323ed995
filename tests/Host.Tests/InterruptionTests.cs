using Pipeline.Host;
using Pipeline.Host.Tooling;
using Xunit;

namespace Host.Tests;

/// <summary>Ctrl-C: the running tool gets SIGINT and its target's clean-up runs, the target is Aborted, nothing later runs, exit 130.</summary>
public sealed class InterruptionTests : IDisposable
{
    readonly HostRun _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void An_interrupted_run_stops_its_tool_keeps_its_clean_up_skips_later_targets_and_exits_130()
    {
        var build = new InterruptedBuild(Path.Combine(_host.Root, "tool-started"));
        Assert.Equal(130, _host.Run(build, ["Publish"], []));
        // The tool got SIGINT (its trap exits 3, as buildx exits on "context canceled"), and the target's own clean-up saw that exit code.
        Assert.Equal(["Build: tool exited 3, cleaned up"], build.Events);
        Assert.Contains("WRN: Interrupted (Ctrl-C): stopping the running tools and cleaning up; press Ctrl-C again to exit at once", _host.Output);
        Assert.Contains("ERR: Target Build was interrupted (Ctrl-C): its tools were stopped and what it began was cleaned up where it could be; "
            + "run it again to finish (--continue skips the targets that succeeded).", _host.Output);
        Assert.DoesNotContain("Target Build failed", _host.Output);
        Assert.Matches(@"Build\s+Aborted\s+\d:\d\d|Build\s+Aborted\s+< 1sec", _host.Output);
        Assert.Matches(@"Publish\s+NotRun", _host.Output);
        Assert.Contains("Build interrupted on ", _host.Output);
        Assert.Contains("Build failed with exit 3 (the tool's words, kept for the log)", _host.BuildLog); // the raw failure is in the file
    }

    [Fact]
    public void A_tool_is_not_started_once_the_run_is_interrupted()
    {
        Interruption.Reset();
        Interruption.Request();
        var refused = Assert.Throws<BuildInterruptedException>(() => ToolRunner.RunAsync("/bin/sh", ["-c", "exit 0"]).GetAwaiter().GetResult());
        Assert.Equal("sh was not started: the run was interrupted (Ctrl-C).", refused.Message);
        Interruption.Reset();
    }

    private sealed class InterruptedBuild(string startedMarker) : NukeBuild
    {
        public readonly List<string> Events = [];

        Target Build => _ => _.Executes(async () =>
        {
            // The user presses Ctrl-C once the tool runs (the handler's work; the key itself cannot be pressed in a test).
            var interrupter = Task.Run(async () =>
            {
                while (!File.Exists(startedMarker)) await Task.Delay(20);
                Interruption.Request();
            });
            var result = await ToolRunner.RunAsync("/bin/sh", ["-c", $"trap 'kill $!; exit 3' INT; sleep 60 >/dev/null 2>&1 & touch '{startedMarker}'; wait"]);
            await interrupter;
            Events.Add($"Build: tool exited {result.ExitCode}, cleaned up");
            throw new InvalidOperationException($"Build failed with exit {result.ExitCode} (the tool's words, kept for the log)");
        });

        Target Publish => _ => _.DependsOn(Build).Executes(() => Events.Add(nameof(Publish)));
    }
}
