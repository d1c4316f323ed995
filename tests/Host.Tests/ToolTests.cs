using Pipeline.Host;
using Pipeline.Host.Tooling;
using Serilog.Core;
using Serilog.Events;
using Xunit;

namespace Host.Tests;

public class ToolTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tool-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string CreateExecutable(string name)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, "#!/bin/sh\necho fake\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public void The_TOOL_EXE_variable_wins_over_PATH()
    {
        var onPath = CreateExecutable("cosign");
        var explicitPath = CreateExecutable("my-cosign");
        var environment = new Dictionary<string, string?> { ["PATH"] = _directory, ["COSIGN_EXE"] = explicitPath };
        Assert.Equal(explicitPath, ToolResolver.Resolve("cosign", "install cosign", environment));
        environment.Remove("COSIGN_EXE");
        Assert.Equal(onPath, ToolResolver.Resolve("cosign", "install cosign", environment));
    }

    [Fact]
    public void A_missing_tool_is_one_line_naming_the_tool_the_variable_and_the_fix()
    {
        var environment = new Dictionary<string, string?> { ["PATH"] = _directory };
        var error = Assert.Throws<ToolNotFoundException>(() => ToolResolver.Resolve("trivy", "install Trivy 0.6x (https://trivy.dev) or point TRIVY_EXE at it.", environment));
        Assert.Equal("Tool 'trivy' was not found on PATH and TRIVY_EXE is not set; install Trivy 0.6x (https://trivy.dev) or point TRIVY_EXE at it.", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_TOOL_EXE_pointing_nowhere_fails_instead_of_falling_back_to_PATH()
    {
        CreateExecutable("docker-buildx");
        var environment = new Dictionary<string, string?> { ["PATH"] = _directory, ["DOCKER_BUILDX_EXE"] = "/nope/docker-buildx" };
        var error = Assert.Throws<ToolNotFoundException>(() => ToolResolver.Resolve("docker-buildx", "install buildx", environment));
        Assert.Equal("DOCKER_BUILDX_EXE points at '/nope/docker-buildx', which does not exist; fix the path or unset DOCKER_BUILDX_EXE.", error.Message);
    }

    [Fact]
    public void A_missing_tool_inside_a_target_fails_the_build_with_that_line()
    {
        using var host = new HostRun();
        var exitCode = host.Run(new NeedsToolBuild(), [], "Scan");
        Assert.Equal(1, exitCode);
        Assert.Contains("Target Scan failed: Tool 'definitely-not-installed' was not found on PATH and DEFINITELY_NOT_INSTALLED_EXE is not set; install it.", host.Output);
    }

    private sealed class NeedsToolBuild : NukeBuild
    {
        Target Scan => _ => _.Executes(() => ToolResolver.Resolve("definitely-not-installed", "install it.", new Dictionary<string, string?> { ["PATH"] = "/nonexistent" }));
    }

    [Fact]
    public async Task Output_reaches_the_log_while_the_tool_is_still_running()
    {
        // The tool prints "first", then waits (up to 20 s) for a file that only the log sink creates on seeing
        // "first": the run can only print "released" if its output reached the log before it exited.
        var release = Path.Combine(_directory, "release");
        var sink = new ReleasingSink("first", release);
        Serilog.Log.Logger = new Serilog.LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger(); // tool lines are Debug: the log file's
        var script = $"echo first; i=0; while [ ! -e '{release}' ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done; " +
                     $"if [ -e '{release}' ]; then echo released; else echo 'never released'; exit 1; fi";
        var result = await ToolRunner.RunAsync("/bin/sh", ["-c", script]);
        Serilog.Log.CloseAndFlush();
        Assert.Equal("first\nreleased\n", result.StandardOutput);
        Assert.Equal(0, result.ExitCode);
    }

    private sealed class ReleasingSink(string trigger, string releaseFile) : ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
            if (logEvent.RenderMessage().EndsWith(trigger)) File.WriteAllText(releaseFile, "");
        }
    }

    [Fact]
    public async Task A_checked_run_that_fails_names_the_command_the_exit_code_and_the_last_error_lines()
    {
        Serilog.Log.Logger = Serilog.Core.Logger.None;
        var error = await Assert.ThrowsAsync<ToolFailedException>(() => ToolRunner.RunCheckedAsync("/bin/sh", ["-c", "echo bad input >&2; exit 3"], logOutput: false));
        Assert.Equal("sh -c exited with code 3: bad input", error.Message);
        Assert.Equal(3, error.Result.ExitCode);
    }

}
