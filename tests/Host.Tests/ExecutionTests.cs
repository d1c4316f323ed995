using Pipeline.Host;
using Xunit;

namespace Host.Tests;

public class ExecutionTests : IDisposable
{
    private readonly HostRun _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void The_default_target_runs_with_its_dependencies_in_order_and_exits_0()
    {
        var (exitCode, build) = _host.RunSample();
        Assert.Equal(0, exitCode);
        Assert.Equal(["Restore", "Compile", "Lint", "Test", "Report"], build.Ran);
        Assert.Matches(@"Default\s+Collective", _host.Output);
        Assert.Contains("Build succeeded on ", _host.Output);
    }

    [Fact]
    public void Skip_alone_runs_only_the_invoked_targets()
    {
        var (exitCode, build) = _host.RunSample("Test", "--skip");
        Assert.Equal(0, exitCode);
        Assert.Equal(["Test"], build.Ran);
        Assert.Matches(@"Compile\s+Skipped", _host.Output);
    }

    [Fact]
    public void Skip_with_names_skips_those_but_never_an_invoked_target()
    {
        var (_, build) = _host.RunSample("Test", "--skip", "Compile", "Lint", "Test");
        Assert.Equal(["Restore", "Test", "Report"], build.Ran);
    }

    [Fact]
    public void A_false_static_condition_skips_the_target_and_what_only_it_needed()
    {
        var (exitCode, build) = _host.RunSample("Publish");
        Assert.Equal(0, exitCode);
        Assert.Empty(build.Ran);
        Assert.Contains("Skipping Publish: condition Push is false", _host.Output);
        Assert.Contains("Skipping Pack: only needed by skipped Publish", _host.Output);
        Assert.Contains("Skipping Announce: only needed by skipped Publish", _host.Output);
    }

    [Fact]
    public void A_static_skip_keeps_dependencies_that_another_scheduled_target_needs()
    {
        var (_, build) = _host.RunSample("Publish", "Compile");
        Assert.Equal(["Restore", "Compile"], build.Ran);
    }

    [Fact]
    public void A_missing_required_parameter_fails_before_anything_runs_naming_the_flag_and_variable()
    {
        var (exitCode, build) = _host.RunSample("Publish", "--push");
        Assert.Equal(2, exitCode);
        Assert.Empty(build.Ran);
        Assert.Equal("ERROR: Target 'Publish' requires parameter 'Password': pass --password <value> or set PASSWORD.", _host.Output.Trim());
    }

    private sealed class RequiresBuild : NukeBuild
    {
        [Parameter("Labels")] readonly string[] Labels = [];
        public string? Computed;
        Target Tag => _ => _.Requires(() => Labels).Executes(() => { });
        Target Sign => _ => _.Requires(() => Computed).Executes(() => { });
    }

    [Fact]
    public void Requires_treats_empty_arrays_as_missing_and_accepts_members_that_are_not_parameters()
    {
        Assert.Equal(2, _host.Run(new RequiresBuild(), [], "Tag"));
        Assert.Equal("ERROR: Target 'Tag' requires parameter 'Labels': pass --labels <value> or set LABELS.", _host.Output.Trim());
        Assert.Equal(0, _host.Run(new RequiresBuild(), [], "Tag", "--labels", "a"));
        Assert.Equal(2, _host.Run(new RequiresBuild(), [], "Sign"));
        Assert.Equal("ERROR: Target 'Sign' requires 'Computed' to have a value.", _host.Output.Trim());
        Assert.Equal(0, _host.Run(new RequiresBuild { Computed = "x" }, [], "Sign"));
    }

    [Fact]
    public void A_false_dynamic_condition_skips_just_before_the_target_would_run()
    {
        var build = new SampleBuild { AnnounceDynamically = false };
        var exitCode = _host.Run(build, SampleBuild.DefaultTargets, "Publish", "--push", "--password", "hunter2-secret");
        Assert.Equal(0, exitCode);
        Assert.Equal(["Restore", "Compile", "Lint", "Test", "Pack", "Publish", "Report"], build.Ran);
        Assert.Contains("Skipping Announce: condition AnnounceDynamically is false", _host.Output);
        Assert.Matches(@"Announce\s+Skipped", _host.Output);
    }

    [Fact]
    public void A_failure_stops_the_build_except_for_assured_targets_and_exits_1()
    {
        var build = new SampleBuild { TestsPass = false };
        var exitCode = _host.Run(build, SampleBuild.DefaultTargets, "Pack");
        Assert.Equal(1, exitCode);
        Assert.Equal(["Restore", "Compile", "Lint", "Test", "Report"], build.Ran);
        Assert.Contains("Target Test failed: 3 tests failed", _host.Output);
        Assert.Matches(@"Test\s+Failed", _host.Output);
        Assert.Matches(@"Pack\s+NotRun", _host.Output);
        Assert.Matches(@"Report\s+Succeeded", _host.Output);
        Assert.Contains("Build failed on ", _host.Output);
    }

    private sealed class ProceedBuild : NukeBuild
    {
        public readonly List<string> Ran = [];
        Target Flaky => _ => _.ProceedAfterFailure().Executes(() => throw new InvalidOperationException("flaky"));
        Target NeedsFlaky => _ => _.DependsOn(Flaky).Executes(() => Ran.Add(nameof(NeedsFlaky)));
        Target Independent => _ => _.After(Flaky).Executes(() => Ran.Add(nameof(Independent)));
        Target Stopper => _ => _.After(Independent).Executes(() => throw new InvalidOperationException("stop"));
        Target AfterStop => _ => _.After(Stopper).Executes(() => Ran.Add(nameof(AfterStop)));
    }

    [Fact]
    public void ProceedAfterFailure_lets_independent_targets_run_but_not_its_dependents()
    {
        var build = new ProceedBuild();
        var exitCode = _host.Run(build, [], "NeedsFlaky", "Independent", "Stopper", "AfterStop");
        Assert.Equal(1, exitCode);
        Assert.Equal(["Independent"], build.Ran);
        Assert.Matches(@"NeedsFlaky\s+NotRun", _host.Output);
        Assert.Matches(@"AfterStop\s+NotRun", _host.Output);
    }

    [Fact]
    public void Continue_reruns_only_what_did_not_succeed_in_the_same_invocation()
    {
        var first = new SampleBuild { TestsPass = false };
        Assert.Equal(1, _host.Run(first, SampleBuild.DefaultTargets, "Pack", "--continue"));
        var second = new SampleBuild();
        Assert.Equal(0, _host.Run(second, SampleBuild.DefaultTargets, "Pack", "--continue"));
        Assert.Equal(["Test", "Pack"], second.Ran);
        var other = new SampleBuild();
        Assert.Equal(0, _host.Run(other, SampleBuild.DefaultTargets, "Compile", "--continue"));
        Assert.Equal(["Restore", "Compile"], other.Ran);
    }

    [Fact]
    public void Plan_prints_the_order_with_reasons_and_runs_nothing()
    {
        var (exitCode, build) = _host.RunSample("--plan", "Publish", "--push", "--password", "pw");
        Assert.Equal(0, exitCode);
        Assert.Empty(build.Ran);
        Assert.Matches(@"6\. Publish\s+invoked", _host.Output);
    }

    [Fact]
    public void Plan_shows_what_the_run_would_refuse_and_exits_2_as_the_run_does()
    {
        // A missing required parameter: every one is named, and the run's own checks are not asked (it would stop first).
        var (exitCode, _) = _host.RunSample("--plan", "Publish", "--push");
        Assert.Equal(2, exitCode);
        Assert.Contains("The run would be refused before anything runs (exit 2):\n  Target 'Publish' requires parameter 'Password'", _host.Output);

        // The checks the build makes without the network, each on its own line; what the plan would decide is not shown.
        var build = new CheckedBuild();
        Assert.Equal(2, _host.Run(build, ["Deploy"], "--plan", "--registry", "bad registry"));
        Assert.Contains("The run would be refused before anything runs (exit 2):\n  --registry 'bad registry' has a space; pass host[:port]/path.\n"
            + "  --registry was given, so it is checked.\n", _host.Output);
        Assert.DoesNotContain("would deploy", _host.Output);
        Assert.Equal(["Deploy", "Prepare"], build.PlannedFor.Order());
        Assert.Empty(build.CheckedFor); // the run's checks (which may probe the network) are not made
        Assert.Empty(build.Ran);

        var fine = new CheckedBuild();
        Assert.Equal(0, _host.Run(fine, ["Deploy"], "--plan"));
        Assert.Contains("would deploy to localhost:5000", _host.Output);
    }

    [Fact]
    public void On_GitHub_Actions_each_target_is_a_group_and_secrets_are_masked_by_the_runner()
    {
        _host.Environment["GITHUB_ACTIONS"] = "true";
        _host.Environment["PASSWORD"] = "hunter2-secret";
        var (exitCode, _) = _host.RunSample("Compile");
        Assert.Equal(0, exitCode);
        Assert.Contains("::add-mask::hunter2-secret\n", _host.Output);
        Assert.Contains("::group::Restore\n", _host.Output);
        Assert.Contains("::group::Compile\n", _host.Output);
        Assert.Equal(2, _host.Output.Split("::endgroup::").Length - 1);
    }

    [Fact]
    public void On_GitHub_Actions_a_failed_target_is_an_error_annotation()
    {
        _host.Environment["GITHUB_ACTIONS"] = "true";
        var exitCode = _host.Run(new SampleBuild { TestsPass = false }, SampleBuild.DefaultTargets, "Test");
        Assert.Equal(1, exitCode);
        Assert.Contains("::error title=Target Test failed::3 tests failed\n", _host.Output);
    }

    [Fact]
    public void The_summary_has_a_row_per_target_with_notes_and_a_total()
    {
        var (_, _) = _host.RunSample("Pack", "--flavors", "mint-chip", "vanilla");
        Assert.Matches(@"Pack\s+Succeeded\s+< 1sec\s+// flavors: mint-chip vanilla", _host.Output);
        Assert.Matches(@"Total\s+< 1sec", _host.Output);
    }

    [Fact]
    public void The_total_is_the_whole_run_including_the_up_front_checks_not_the_sum_of_the_rows()
    {
        // The checks block for over a second; both targets take none: a sum of the rows would say "< 1sec".
        Assert.Equal(0, _host.Run(new SlowlyCheckedBuild(), ["Deploy"], []));
        Assert.Matches(@"Deploy\s+Succeeded\s+< 1sec", _host.Output);
        Assert.Matches(@"Total\s+0:0[1-9]   // up-front checks: 0:0[1-9]", _host.Output);
    }

    [Fact]
    public void OnBuildInitialized_runs_once_before_the_first_target_and_never_for_plan_help_or_a_refused_run()
    {
        foreach (var args in new[] { ["--plan"], ["--help"], new[] { "--registry", "bad registry" } })
        {
            var idle = new InitializedBuild();
            _host.Run(idle, ["Deploy"], args);
            Assert.Equal(0, idle.InitializedCount);
        }
        var build = new InitializedBuild();
        Assert.Equal(0, _host.Run(build, ["Deploy"], []));
        Assert.Equal(["initialized", "Prepare", "Deploy"], build.Events);
    }

    private sealed class InitializedBuild : NukeBuild
    {
        [Parameter("Registry")] readonly string Registry = "localhost:5000";
        public readonly List<string> Events = [];
        public int InitializedCount => Events.Count(e => e == "initialized");

        Target Prepare => _ => _.Executes(() => Events.Add(nameof(Prepare)));
        Target Deploy => _ => _.DependsOn(Prepare).Executes(() => Events.Add(nameof(Deploy)));

        protected override void OnBuildInitialized() => Events.Add("initialized");

        protected override IReadOnlyList<string> CheckBeforeRunning(IReadOnlyCollection<string> runningTargets) =>
            Registry.Contains(' ') ? ["--registry has a space"] : [];
    }

    private sealed class SlowlyCheckedBuild : NukeBuild
    {
        Target Deploy => _ => _.Executes(() => { });

        protected override IReadOnlyList<string> CheckBeforeRunning(IReadOnlyCollection<string> runningTargets)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(1100));
            return [];
        }
    }

    [Fact]
    public void The_first_line_of_a_run_names_the_log_file_which_help_does_not_create()
    {
        _host.RunSample("--help");
        Assert.False(File.Exists(Path.Combine(_host.Root, ".nuke", "temp", "build.log")), "--help wrote a log");
        _host.RunSample("Compile", "--no-logo");
        Assert.StartsWith("Log: .nuke/temp/build.log (every tool's full output; --verbosity verbose shows it here)", _host.Output[(_host.Output.IndexOf("INF: ") + 5)..]);
        Assert.Contains("Log: .nuke/temp/build.log", _host.BuildLog);
    }

    [Fact]
    public void A_failed_target_names_the_log_file()
    {
        _host.Run(new SampleBuild { TestsPass = false }, SampleBuild.DefaultTargets, "Test");
        Assert.Contains("ERR: Target Test failed: 3 tests failed (full log: .nuke/temp/build.log)", _host.Output);
    }

    [Fact]
    public void Quiet_verbosity_and_no_logo_silence_the_log()
    {
        _host.RunSample("Compile");
        Assert.Contains("INF: devcontainer-pipeline build", _host.Output);
        _host.RunSample("Compile", "--no-logo");
        Assert.DoesNotContain("devcontainer-pipeline build", _host.Output);
        _host.RunSample("Publish", "--push", "--password", "pw-1234", "--verbosity", "quiet");
        Assert.DoesNotContain("INF:", _host.Output);
        Assert.Contains("Build succeeded", _host.Output);
    }

    [Fact]
    public void An_unknown_flag_fails_with_the_closest_valid_name_and_exit_code_2()
    {
        var (exitCode, build) = _host.RunSample("--pussh");
        Assert.Equal(2, exitCode);
        Assert.Empty(build.Ran);
        Assert.Equal("ERROR: Unknown parameter '--pussh'; did you mean '--push'? See --help.", _host.Output.Trim());
    }

    [Fact]
    public void An_unknown_target_fails_with_the_closest_valid_name_and_exit_code_2()
    {
        var (exitCode, _) = _host.RunSample("--plan", "Pubilsh");
        Assert.Equal(2, exitCode);
        Assert.StartsWith("ERROR: Unknown target 'Pubilsh'; did you mean 'Publish'? Targets: Announce, Clean,", _host.Output);
    }

    [Fact]
    public void Target_parameter_and_plus_joined_names_select_targets_and_unknown_skips_are_named()
    {
        var (_, build) = _host.RunSample("--target", "Clean+Restore");
        Assert.Equal(["Clean", "Restore"], build.Ran);
        var (exitCode, _) = _host.RunSample("Test", "--skip", "Lnit");
        Assert.Equal(2, exitCode);
        Assert.StartsWith("ERROR: Unknown target 'Lnit'; did you mean 'Lint'?", _host.Output);
    }

    [Fact]
    public void A_missing_root_is_one_clear_line()
    {
        var exitCode = BuildExecutor.Run(new SampleBuild(), ["--root", "/nonexistent/dir"], [], _host.Environment, new StringWriter());
        Assert.Equal(2, exitCode);
    }

    [Fact]
    public void Problems_found_before_running_stop_the_build_with_one_line_each_and_exit_2_before_any_target_runs()
    {
        var build = new CheckedBuild();
        Assert.Equal(2, _host.Run(build, ["Deploy"], "--registry", "bad registry"));
        Assert.Empty(build.Ran);
        Assert.Equal(["Deploy", "Prepare"], build.CheckedFor.Order());
        Assert.Contains("ERROR: --registry 'bad registry' has a space; pass host[:port]/path.", _host.Output);
        Assert.Contains("ERROR: --registry was given, so it is checked.", _host.Output);

        // Skipped targets are not checked for; a parameter left at its default is not "given".
        var skipped = new CheckedBuild();
        Assert.Equal(0, _host.Run(skipped, ["Deploy"], "--skip", "Prepare"));
        Assert.Equal(["Deploy"], skipped.CheckedFor);
        Assert.Equal(["Deploy"], skipped.Ran);
    }

    private sealed class CheckedBuild : NukeBuild
    {
        [Parameter("Registry")] readonly string Registry = "localhost:5000";
        public readonly List<string> Ran = [];
        public IReadOnlyCollection<string> CheckedFor = [];

        Target Prepare => _ => _.Executes(() => Ran.Add(nameof(Prepare)));
        Target Deploy => _ => _.DependsOn(Prepare).Executes(() => Ran.Add(nameof(Deploy)));

        public IReadOnlyCollection<string> PlannedFor = [];

        protected override IReadOnlyList<string> CheckBeforeRunning(IReadOnlyCollection<string> runningTargets)
        {
            CheckedFor = runningTargets;
            return Problems();
        }

        protected override IReadOnlyList<string> CheckBeforePlanning(IReadOnlyCollection<string> plannedTargets)
        {
            PlannedFor = plannedTargets;
            return Problems();
        }

        protected override IEnumerable<string> DescribePlannedDecisions(IReadOnlyCollection<string> plannedTargets) => [$"would deploy to {Registry}"];

        List<string> Problems()
        {
            var problems = new List<string>();
            if (Registry.Contains(' ')) problems.Add($"--registry '{Registry}' has a space; pass host[:port]/path.");
            if (IsGiven(nameof(Registry))) problems.Add("--registry was given, so it is checked.");
            return problems;
        }
    }
}
