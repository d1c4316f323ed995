using Pipeline.Host;
using Xunit;

namespace Host.Tests;

/// <summary>A flag is honoured by a target of the run or refused: .Reads/.Requires declare who reads what.</summary>
public sealed class ParameterReadersTests : IDisposable
{
    private readonly HostRun _host = new();

    public void Dispose() => _host.Dispose();

    private (int ExitCode, ReadsBuild Build) Run(params string[] args)
    {
        var build = new ReadsBuild();
        return (_host.Run(build, ["Compile"], args), build);
    }

    [Fact]
    public void A_flag_only_targets_outside_the_run_read_is_refused_with_one_line_and_exit_2_before_anything_runs()
    {
        var (exitCode, build) = Run("Compile", "--dry-run");

        Assert.Equal(2, exitCode);
        Assert.Empty(build.Ran);
        Assert.Equal("ERROR: --dry-run is read by Publish, Rollback, none of which runs; drop it or run one of them.", _host.Output.Trim());
    }

    [Fact]
    public void A_flag_a_running_target_reads_is_honoured()
    {
        var (exitCode, build) = Run("Publish", "--dry-run", "--configuration", "Release");

        Assert.True(exitCode == 0, _host.Output);
        Assert.Equal(["Compile", "Publish (dry run, Release)"], build.Ran);
    }

    [Fact]
    public void A_reader_in_the_plan_counts_even_when_skip_leaves_it_out_and_one_outside_the_plan_does_not()
    {
        // --skip says out loud that Compile does not run: appending it to a command line keeps the line valid.
        var (exitCode, build) = Run("Publish", "--skip", "--optimize");
        Assert.True(exitCode == 0, _host.Output);
        Assert.Equal(["Publish (Debug)"], build.Ran);

        Assert.Equal(2, Run("Rollback", "--manifest", "m.json", "--optimize").ExitCode);
        Assert.Contains("ERROR: --optimize is read by Compile, which does not run; drop it or run Compile.", _host.Output);
    }

    [Fact]
    public void Requires_counts_as_reading_and_each_unread_flag_gets_its_own_line()
    {
        var (exitCode, _) = Run("Compile", "--manifest", "good.json", "--dry-run");

        Assert.Equal(2, exitCode);
        var lines = _host.Output.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Contains("ERROR: --manifest is read by Rollback, which does not run; drop it or run Rollback.", lines);
        Assert.Contains("ERROR: --dry-run is read by Publish, Rollback, none of which runs; drop it or run one of them.", lines);
    }

    [Fact]
    public void Plan_refuses_the_same_flags()
    {
        Assert.Equal(2, Run("--plan", "Compile", "--dry-run").ExitCode);
        Assert.Contains("ERROR: --dry-run is read by Publish, Rollback", _host.Output);
        Assert.DoesNotContain("Execution plan", _host.Output);
    }

    [Fact]
    public void Values_from_the_environment_or_a_parameters_file_are_not_refused()
    {
        _host.Environment["DRY_RUN"] = "true";
        Assert.True(Run("Compile").ExitCode == 0, _host.Output);

        _host.Environment.Remove("DRY_RUN");
        _host.WriteParameters("parameters.json", """{ "DryRun": true, "Configuration": "Release" }""");
        var (exitCode, build) = Run("Compile");
        Assert.True(exitCode == 0, _host.Output);
        Assert.Equal(["Compile"], build.Ran);
    }

    [Fact]
    public void Base_parameters_and_parameters_no_target_declares_are_never_refused()
    {
        var (exitCode, build) = Run("Compile", "--note", "hello", "--verbosity", "minimal", "--no-logo");

        Assert.True(exitCode == 0, _host.Output);
        Assert.Equal(["Compile (hello)"], build.Ran);
    }

    [Fact]
    public void Help_names_the_targets_that_read_each_parameter()
    {
        Assert.Equal(0, Run("--help").ExitCode);

        var help = _host.Output.Split('\n');
        Assert.Contains(help, line => line.Contains("env: DRY_RUN; read by: Publish, Rollback)", StringComparison.Ordinal));
        Assert.Contains(help, line => line.Contains("env: MANIFEST; read by: Rollback)", StringComparison.Ordinal));
        Assert.Contains(help, line => line.Contains("env: NOTE)", StringComparison.Ordinal));
    }

    private sealed class ReadsBuild : NukeBuild
    {
        // Initialised explicitly: the host binds them by reflection, which the compiler cannot see.
        [Parameter("Change nothing")] readonly bool DryRun = false;
        [Parameter("Build configuration")] readonly string Configuration = "Debug";
        [Parameter("Optimize the compiled code")] readonly bool Optimize = false;
        [Parameter("Manifest to roll back to", Name = "manifest")] readonly string? RollbackManifest = null;
        [Parameter("Read by no target's declaration")] readonly string? Note = null;
        public readonly List<string> Ran = [];

        Target Compile => _ => _
            .Reads(() => Configuration, () => Optimize)
            .Executes(() => Ran.Add(nameof(Compile) + (Optimize ? " (optimized)" : "") + (Note is null ? "" : $" ({Note})")));

        Target Publish => _ => _
            .DependsOn(Compile)
            .Reads(() => DryRun, () => Configuration)
            .Executes(() => Ran.Add($"{nameof(Publish)} ({(DryRun ? "dry run, " : "")}{Configuration})"));

        Target Rollback => _ => _
            .Requires(() => RollbackManifest)
            .Reads(() => DryRun)
            .Executes(() => Ran.Add(nameof(Rollback)));
    }
}
