using System.Reflection;
using Xunit.Abstractions;

namespace Integration.Tests.Harness;

/// <summary>
/// Runs the build as a user would: the built build assembly (`dotnet _build.dll &lt;args&gt;`, what build.sh runs) as a
/// child process in the repository root, with the toolchain's environment, TRIVY_EXE pointing at the Trivy test
/// double, and no GITHUB_*/NUKE_* variables leaking in from the machine running the tests (a test sets the ones it
/// simulates). Output streams into the test's output as it arrives; a run that tried a host beyond loopback fails
/// (<see cref="LoopbackOnly"/>).
/// </summary>
public sealed class BuildRunner(ITestOutputHelper? output)
{
    /// <summary>Extra environment for every run of this runner (null removes a variable).</summary>
    public Dictionary<string, string?> Environment { get; } = new() { ["TRIVY_EXE"] = TrivyDoubleLocator.ExecutablePath };

    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromMinutes(15);

    /// <summary>_build.dll next to the tests (copied by the project reference), else build/bin/&lt;configuration&gt;.</summary>
    public static string BuildAssemblyPath
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "_build.dll");
            if (File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "_build.runtimeconfig.json"))) return beside;
            var configuration = typeof(BuildRunner).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var inBuild = Path.Combine(RepoPaths.Root, "build", "bin", configuration, "net10.0", "_build.dll");
            return File.Exists(inBuild) ? inBuild
                : throw new InvalidOperationException($"The build assembly was not found ({beside}, {inBuild}); run `dotnet build build/_build.csproj`.");
        }
    }

    /// <summary>The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH), else `dotnet` on PATH.</summary>
    public static string Dotnet => System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
        ? host : "dotnet";

    public Task<ProcessResult> RunAsync(params string[] arguments) => RunAsync(arguments, null, null, null);

    /// <param name="interruptOn">Sends the build SIGINT, as Ctrl-C does, once a line containing it appears.</param>
    public async Task<ProcessResult> RunAsync(IReadOnlyList<string> arguments, string? workingDirectory,
        IReadOnlyDictionary<string, string?>? environment, TimeSpan? timeout, string? interruptOn = null)
    {
        var childEnvironment = HermeticEnvironment();
        foreach (var (name, value) in Environment) childEnvironment[name] = value;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>()) childEnvironment[name] = value;
        var directory = workingDirectory ?? RepoPaths.Root;
        Write($"$ (cd {directory} && dotnet _build.dll {string.Join(' ', arguments)})");
        var result = await ProcessRunner.RunAsync(Dotnet, [BuildAssemblyPath, .. arguments], directory, childEnvironment, Write,
            timeout ?? DefaultTimeout, interruptOn);
        Write($"[build exited with {result.ExitCode}]");
        LoopbackOnly.Check(result.Output, "The build");
        return result;
    }

    /// <summary>Removes the machine's GITHUB_* and NUKE_* variables so a run's mode is what the test says.</summary>
    static Dictionary<string, string?> HermeticEnvironment() =>
        System.Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("GITHUB_", StringComparison.Ordinal) || name.StartsWith("NUKE_", StringComparison.Ordinal))
            .ToDictionary(name => name, _ => (string?)null);

    void Write(string line)
    {
        try { output?.WriteLine(line); }
        catch (InvalidOperationException) { } // the test already finished (a late line from a killed process)
    }
}
