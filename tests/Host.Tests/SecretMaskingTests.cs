using Pipeline.Host;
using Pipeline.Host.Tooling;
using Xunit;

namespace Host.Tests;

public class SecretMaskingTests : IDisposable
{
    private const string Secret = "hunter2-very-secret";
    private readonly HostRun _host = new();

    public void Dispose()
    {
        SecretMasker.Clear();
        _host.Dispose();
    }

    [Fact]
    public void A_secret_parameter_is_masked_in_the_console_and_the_log_file()
    {
        var (exitCode, build) = _host.RunSample("Publish", "--push", "--password", Secret);
        Assert.Equal(0, exitCode);
        Assert.Equal(Secret, build.Password);
        Assert.Contains("Logging in to localhost:5000 with password ****", _host.Output);
        Assert.DoesNotContain(Secret, _host.Output);
        Assert.Contains("with password ****", _host.BuildLog);
        Assert.DoesNotContain(Secret, _host.BuildLog);
    }

    [Fact]
    public void A_secret_from_the_environment_is_masked_too_and_help_never_shows_it()
    {
        _host.Environment["NUKE_PASSWORD"] = Secret;
        _host.RunSample("Publish", "--push");
        Assert.Contains("with password ****", _host.Output);
        Assert.DoesNotContain(Secret, _host.Output);
        _host.RunSample("--help");
        Assert.DoesNotContain(Secret, _host.Output);
        Assert.Contains("(secret, never shown; env: PASSWORD; read by: Publish)", _host.Output);
    }

    [Fact]
    public void A_failing_target_whose_message_contains_the_secret_is_masked()
    {
        var build = new LeakyBuild();
        var exitCode = _host.Run(build, [], "Leak", "--token", Secret);
        Assert.Equal(1, exitCode);
        Assert.Contains("Target Leak failed: login with **** was refused", _host.Output);
        Assert.DoesNotContain(Secret, _host.Output);
        Assert.DoesNotContain(Secret, _host.BuildLog);
    }

    [Theory]
    [InlineData(Secret)]
    [InlineData("pw1")] // too short for the log masker: the attempt log must not depend on it
    public void A_secret_on_the_command_line_never_reaches_a_file_and_continue_still_matches_the_invocation(string secret)
    {
        Assert.Equal(0, _host.RunSample("Publish", "--push", "--password", secret, "--continue").ExitCode);
        var files = Directory.EnumerateFiles(Path.Combine(_host.Root, ".nuke"), "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith("build-attempt.log", StringComparison.Ordinal));
        foreach (var file in files) Assert.DoesNotContain(secret, File.ReadAllText(file));
        Assert.StartsWith("Publish --push --password **** --root ", File.ReadAllLines(files.Single(f => f.EndsWith("build-attempt.log", StringComparison.Ordinal)))[0]);

        // The same invocation again: every target succeeded last time, so --continue runs none of them.
        var (again, build) = _host.RunSample("Publish", "--push", "--password", secret, "--continue");
        Assert.Equal(0, again);
        Assert.Empty(build.Ran);
    }

    [Fact]
    public void An_unknown_flag_glued_to_its_value_is_named_without_the_value()
    {
        Assert.Equal(2, _host.RunSample("Publish", "--password=" + Secret).ExitCode);
        Assert.Contains("Unknown parameter '--password=…'", _host.Output);
        Assert.DoesNotContain(Secret, _host.Output);
    }

    private sealed class LeakyBuild : NukeBuild
    {
        [Parameter("A token")] [Secret] readonly string Token = "";
        Target Leak => _ => _.Executes(() => throw new InvalidOperationException($"login with {Token} was refused"));
    }

    [Theory]
    [InlineData(Verbosity.Normal)]
    [InlineData(Verbosity.Verbose)]
    public async Task Tool_output_is_masked_as_it_streams_in_the_log_file_and_on_the_console(Verbosity verbosity)
    {
        var console = new StringWriter();
        var logFile = AbsolutePath.Create(Path.Combine(_host.Root, "logs", "build.log"));
        Logging.Level.MinimumLevel = Logging.ToLevel(verbosity);
        Logging.Configure(logFile, console);
        SecretMasker.Register(Secret);
        var result = await ToolRunner.RunAsync("/bin/sh", ["-c", $"echo token={Secret}; echo oops {Secret} >&2"]);
        Serilog.Log.CloseAndFlush();
        Logging.Level.MinimumLevel = Serilog.Events.LogEventLevel.Information;
        Assert.Contains($"token={Secret}", result.StandardOutput);
        var log = File.ReadAllText(logFile);
        foreach (var shown in new[] { log, console.ToString() })
        {
            Assert.Contains("> sh -c \"echo token=****; echo oops **** >&2\"", shown);
            Assert.DoesNotContain(Secret, shown);
        }
        // The file has every line; the console at normal verbosity only the command (verbose streams them too).
        Assert.Contains("sh: token=****", log);
        Assert.Contains("sh: oops ****", log);
        Assert.Equal(verbosity == Verbosity.Verbose, console.ToString().Contains("sh: token=****"));
    }

    [Fact]
    public void Very_short_values_are_not_registered_so_ordinary_words_survive()
    {
        SecretMasker.Register("abc");
        SecretMasker.Register(null);
        SecretMasker.Register("longer-secret");
        Assert.Equal("abc **** done", SecretMasker.Mask("abc longer-secret done"));
    }
}
