using Xunit;

namespace Host.Tests;

public class ParameterBindingTests : IDisposable
{
    private readonly HostRun _host = new();

    public void Dispose() => _host.Dispose();

    private SampleBuild Bind(params string[] args)
    {
        var (exitCode, build) = _host.RunSample([.. args, "--plan"]);
        Assert.True(exitCode == 0, _host.Output);
        return build;
    }

    [Fact]
    public void Without_any_source_the_initializers_stay()
    {
        var build = Bind();
        Assert.Equal("localhost:5000", build.Registry);
        Assert.False(build.Push);
        Assert.Equal(3, build.Retries);
        Assert.Equal(TimeSpan.FromMinutes(10), build.Timeout);
        Assert.Equal(3, build.Flavors.Length);
        Assert.Null(build.Limit);
        Assert.Null(build.MainFlavor);
    }

    [Fact]
    public void Every_type_binds_from_kebab_case_flags()
    {
        // Publish plans too: it reads --password (Requires), which a plan without it would refuse.
        var build = Bind("Publish", "--registry", "ghcr.example/team", "--push", "--retries", "5", "--timeout", "90s", "--channel", "preview",
            "--flavors", "mint-chip", "vanilla", "--main-flavor", "Chocolate", "--labels", "a=1", "b=2", "--limit", "7",
            "--force", "false", "--password", "pw-1234", "--manifest", "out/m.json");
        Assert.Equal("ghcr.example/team", build.Registry);
        Assert.True(build.Push);
        Assert.Equal(5, build.Retries);
        Assert.Equal(TimeSpan.FromSeconds(90), build.Timeout);
        Assert.Equal(Channel.Preview, build.Channel);
        Assert.Equal([Flavor.Mint, Flavor.Vanilla], build.Flavors);
        Assert.Same(Flavor.Chocolate, build.MainFlavor);
        Assert.Equal(["a=1", "b=2"], build.Labels);
        Assert.Equal(7, build.Limit);
        Assert.False(build.Force);
        Assert.Equal("pw-1234", build.Password);
        Assert.Equal("out/m.json", build.ManifestPath);
    }

    [Theory]
    [InlineData("00:02:30", 150)]
    [InlineData("10m", 600)]
    [InlineData("2h", 7200)]
    [InlineData("1.5h", 5400)]
    public void Durations_accept_timespan_text_and_units(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Bind("--timeout", text).Timeout);

    [Fact]
    public void Flag_names_ignore_case_and_dashes_and_the_last_occurrence_wins()
    {
        var build = Bind("-Retries", "4", "--RE-TRIES", "6");
        Assert.Equal(6, build.Retries);
    }

    [Fact]
    public void A_bool_flag_takes_only_a_true_or_false_so_following_words_stay_targets()
    {
        var (exitCode, build) = _host.RunSample("--plan", "Compile");
        Assert.Equal(0, exitCode);
        Assert.True(build.Plan);
        Assert.DoesNotContain("Test", _host.Output);
        Assert.Contains("Compile", _host.Output);
        var (_, pushed) = _host.RunSample("--push", "false", "Compile", "--plan");
        Assert.False(pushed.Push);
        Assert.DoesNotContain("Test", _host.Output);
    }

    [Fact]
    public void Precedence_is_cli_then_environment_then_last_profile_then_parameters_json_then_initializer()
    {
        _host.WriteParameters("parameters.json", """{ "$schema": "./build.schema.json", "Registry": "from-json", "Retries": 11, "Channel": "Preview", "Labels": ["j1", "j2"], "Limit": 1, "manifest": "json.json" }""");
        _host.WriteParameters("parameters.first.json", """{ "Registry": "from-first", "Retries": 12, "Limit": 2 }""");
        _host.WriteParameters("parameters.second.json", """{ "Registry": "from-second", "Retries": 13 }""");
        _host.Environment["NUKE_REGISTRY"] = "from-env";
        _host.Environment["RETRIES"] = "14";

        var build = Bind("--profile", "first", "second", "--registry", "from-cli");
        Assert.Equal("from-cli", build.Registry);
        Assert.Equal(14, build.Retries);
        Assert.Equal(2, build.Limit);
        Assert.Equal(Channel.Preview, build.Channel);
        Assert.Equal(["j1", "j2"], build.Labels);
        Assert.Equal("json.json", build.ManifestPath);
        Assert.True(build.Push is false);

        _host.Environment.Remove("RETRIES");
        Assert.Equal(13, Bind("--profile", "first", "second").Retries);
        Assert.Equal(12, Bind("--profile", "second", "first").Retries);
        Assert.Equal(11, Bind().Retries);
    }

    [Fact]
    public void A_missing_profile_names_the_file_to_create()
    {
        var (exitCode, _) = _host.RunSample("--profile", "ci");
        Assert.Equal(2, exitCode);
        Assert.Equal("ERROR: Profile 'ci' not found: create .nuke/parameters.ci.json or drop --profile ci.", _host.Output.Trim());
    }

    [Theory]
    [InlineData("Registry")]
    [InlineData("REGISTRY")]
    [InlineData("NUKE_REGISTRY")]
    [InlineData("nuke-registry")]
    public void Environment_variables_match_by_letters_and_digits_with_an_optional_NUKE_prefix(string variable)
    {
        _host.Environment[variable] = "from env";
        Assert.Equal("from env", Bind().Registry);
    }

    [Fact]
    public void The_NUKE_prefixed_variable_wins_over_the_bare_name_and_the_exact_member_name_over_other_bare_spellings()
    {
        _host.Environment["Registry"] = "exact";
        _host.Environment["REGISTRY"] = "bare";
        Assert.Equal("exact", Bind().Registry);
        _host.Environment["NUKE_REGISTRY"] = "prefixed";
        Assert.Equal("prefixed", Bind().Registry);
        Assert.DoesNotContain("WRN", _host.Output);
    }

    [Fact]
    public void Ambiguous_environment_variables_of_one_form_warn_and_none_is_used()
    {
        _host.Environment["NUKE_REGISTRY"] = "one";
        _host.Environment["nuke-registry"] = "two";
        var (exitCode, build) = _host.RunSample("Compile");
        Assert.Equal(0, exitCode);
        Assert.Equal("localhost:5000", build.Registry);
        Assert.Contains("WRN: Parameter 'Registry' matches several environment variables (", _host.Output);
        Assert.Contains("nuke-registry", _host.Output);
        Assert.Contains("); none is used. Unset all but one.", _host.Output);
    }

    [Theory]
    [InlineData("HOST", "devbox")]
    [InlineData("TARGET", "x86_64-unknown-linux-gnu")]
    [InlineData("PROFILE", "/etc/profile")]
    [InlineData("VERBOSITY", "loud")]
    [InlineData("ROOT", "/nonexistent")]
    [InlineData("SKIP", "yes")]
    [InlineData("HELP", "1")]
    [InlineData("PLAN", "b")]
    [InlineData("CONTINUE", "on")]
    public void The_hosts_own_parameters_ignore_the_bare_names_shells_and_CI_systems_export(string variable, string value)
    {
        _host.Environment[variable] = value;
        var (exitCode, build) = _host.RunSample("Compile");
        Assert.True(exitCode == 0, _host.Output);
        Assert.Contains("Compile", build.Ran);
        Assert.DoesNotContain("WRN", _host.Output);
        Assert.DoesNotContain("ERROR", _host.Output);
    }

    [Fact]
    public void The_hosts_own_parameters_are_read_from_NUKE_prefixed_variables()
    {
        _host.Environment["NUKE_PLAN"] = "true";
        _host.Environment["NUKE_TARGET"] = "Compile";
        var (exitCode, build) = _host.RunSample();
        Assert.Equal(0, exitCode);
        Assert.Empty(build.Ran); // planned, not run
        Assert.Contains("Compile", _host.Output);
        _host.Environment["NUKE_HOST"] = "devbox";
        Assert.Equal(2, _host.RunSample().ExitCode);
        Assert.StartsWith("ERROR: Parameter --host got 'devbox' from environment variable NUKE_HOST but expects one of", _host.Output.Trim());
    }

    [Fact]
    public void A_bare_variable_the_parameter_cannot_take_is_ignored_with_a_warning_naming_the_prefixed_variable()
    {
        _host.Environment["RETRIES"] = "many";
        _host.Environment["FORCE"] = "1";
        var (exitCode, build) = _host.RunSample("Compile");
        Assert.True(exitCode == 0, _host.Output);
        Assert.Equal(3, build.Retries);
        Assert.Null(build.Force);
        Assert.Contains("WRN: Parameter --retries got 'many' from environment variable RETRIES but expects a whole number. Ignored: RETRIES may be another program's; set NUKE_RETRIES to give the build a value.", _host.Output);
        Assert.Contains("WRN: Parameter --force got '1' from environment variable FORCE but expects true or false. Ignored:", _host.Output);
    }

    [Fact]
    public void Environment_arrays_split_on_spaces_and_commas_but_scalars_keep_their_spaces()
    {
        _host.Environment["FLAVORS"] = "vanilla, mint-chip";
        _host.Environment["REGISTRY"] = "a b";
        var build = Bind();
        Assert.Equal([Flavor.Vanilla, Flavor.Mint], build.Flavors);
        Assert.Equal("a b", build.Registry);
    }

    [Theory]
    [InlineData("--retries", "many", "ERROR: Parameter --retries got 'many' but expects a whole number.")]
    [InlineData("--push", "yes", null)]
    [InlineData("--timeout", "soon", "ERROR: Parameter --timeout got 'soon' but expects a duration such as 90s, 10m, 2h or 00:10:00.")]
    [InlineData("--channel", "nightly", "ERROR: Parameter --channel got 'nightly' but expects one of preview, stable (did you mean 'stable'?).")]
    [InlineData("--flavors", "mint", "ERROR: Parameter --flavors got 'mint' but expects one of chocolate, mint-chip, vanilla (did you mean 'mint-chip'?).")]
    [InlineData("--retries", null, "ERROR: Parameter --retries needs a value: --retries <int>.")]
    public void A_bad_value_is_one_line_naming_the_flag_and_the_expected_values(string flag, string? value, string? expected)
    {
        var (exitCode, build) = _host.RunSample(value is null ? [flag] : [flag, value]);
        if (expected is null)
        {
            // "--push yes": yes is not a bool, so it is read as a target, which does not exist.
            Assert.Equal(2, exitCode);
            Assert.StartsWith("ERROR: Unknown target 'yes'", _host.Output);
            return;
        }
        Assert.Equal(2, exitCode);
        Assert.Empty(build.Ran);
        Assert.Equal(expected, _host.Output.Trim());
    }

    [Fact]
    public void A_bad_value_from_the_environment_or_a_file_names_where_it_came_from()
    {
        _host.Environment["NUKE_RETRIES"] = "lots";
        _host.RunSample();
        Assert.Equal("ERROR: Parameter --retries got 'lots' from environment variable NUKE_RETRIES but expects a whole number.", _host.Output.Trim());
        _host.Environment.Clear();
        _host.WriteParameters("parameters.ci.json", """{ "Push": "maybe" }""");
        _host.RunSample("--profile", "ci");
        Assert.Equal("ERROR: Parameter --push got 'maybe' from .nuke/parameters.ci.json but expects true or false.", _host.Output.Trim());
    }

    private sealed class SecretPinBuild : Pipeline.Host.NukeBuild
    {
        [Pipeline.Host.Parameter("A PIN")] [Pipeline.Host.Secret] readonly int Pin;
    }

    [Fact]
    public void A_bad_secret_value_is_not_echoed()
    {
        Assert.Equal(2, _host.Run(new SecretPinBuild(), [], "--pin", "12x45-secret"));
        Assert.Equal("ERROR: Parameter --pin got '****' but expects a whole number.", _host.Output.Trim());
    }

    [Fact]
    public void Several_values_for_a_scalar_say_how_to_fix_it()
    {
        var (exitCode, _) = _host.RunSample("--registry", "a", "b");
        Assert.Equal(2, exitCode);
        Assert.Contains("Parameter --registry takes one value but got 2: 'a b'; quote a value with spaces", _host.Output);
    }

    [Fact]
    public void A_parameters_file_key_that_names_no_parameter_warns_with_the_closest_name()
    {
        _host.WriteParameters("parameters.json", """{ "$schema": "./build.schema.json", "Registy": "typo", "registry": "wrong case" }""");
        var (exitCode, build) = _host.RunSample("Compile");
        Assert.Equal(0, exitCode);
        Assert.Equal("localhost:5000", build.Registry);
        Assert.Contains("WRN: .nuke/parameters.json sets 'Registy', which is not a parameter; did you mean 'Registry'? Keys are case-sensitive.", _host.Output);
        Assert.Contains("WRN: .nuke/parameters.json sets 'registry', which is not a parameter; did you mean 'Registry'?", _host.Output);
    }
}
