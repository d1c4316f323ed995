using Pipeline.Host;

namespace Host.Tests;

/// <summary>Runs a build through the real entry point with injected arguments, environment and console, in a fresh root.</summary>
internal sealed class HostRun : IDisposable
{
    public HostRun() => Directory.CreateDirectory(Path.Combine(Root, ".nuke"));

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "host-tests-" + Guid.NewGuid().ToString("N"));
    public Dictionary<string, string> Environment { get; } = new() { ["PATH"] = "/usr/bin:/bin" };
    public string Output { get; private set; } = "";
    public string BuildLog => File.ReadAllText(Path.Combine(Root, ".nuke", "temp", "build.log"));

    public int Run(NukeBuild build, params string[] args) => Run(build, ["Default"], args);

    public int Run(NukeBuild build, string[] defaultTargets, params string[] args)
    {
        var console = new StringWriter();
        var exitCode = BuildExecutor.Run(build, [.. args, "--root", Root], defaultTargets, Environment, console);
        Output = console.ToString();
        return exitCode;
    }

    public (int ExitCode, SampleBuild Build) RunSample(params string[] args)
    {
        var build = new SampleBuild();
        return (Run(build, SampleBuild.DefaultTargets, args), build);
    }

    public void WriteParameters(string fileName, string json) => File.WriteAllText(Path.Combine(Root, ".nuke", fileName), json);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
