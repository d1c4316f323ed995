using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.HarnessTests;

/// <summary>The harness runs the real built executables as child processes (no toolchain needed).</summary>
public sealed class ChildProcessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task BuildRunner_runs_the_built_build_assembly_and_captures_its_output_and_exit_code()
    {
        var runner = new BuildRunner(output);
        var help = await runner.RunAsync("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Publish", help.Output);
        Assert.Contains("Bake", help.Output);

        var unknown = await runner.RunAsync("NoSuchTarget");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("NoSuchTarget", unknown.Output);
    }

    [Fact]
    public async Task BuildRunner_points_TRIVY_EXE_at_the_test_double_which_says_it_is_one()
    {
        var trivy = new BuildRunner(output).Environment["TRIVY_EXE"]!;
        Assert.EndsWith("trivy-test-double", trivy);
        var version = await ProcessRunner.RunAsync(trivy, ["--version"]);
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^Version: \d+\.\d+\.\d+", version.StandardOutput);
        Assert.Contains("test double", version.StandardOutput);
    }

    [Fact]
    public async Task ProcessRunner_reports_exit_code_and_keeps_both_streams_apart()
    {
        var result = await ProcessRunner.RunAsync("sh", ["-c", "echo out; echo err >&2; exit 7"]);
        Assert.Equal(7, result.ExitCode);
        Assert.Equal("out\n", result.StandardOutput);
        Assert.Equal("err\n", result.StandardError);
        Assert.Contains("out", result.Output);
        Assert.Contains("err", result.Output);
    }
}
