using Xunit.Abstractions;

namespace Integration.Tests.Harness;

/// <summary>
/// Base class of integration tests: checks the toolchain (fails under CI=true when it is missing), and gives the test
/// its own registry namespace, its own artifacts directory for `--artifacts`, a BuildRunner and tool helpers.
/// Mark tests [IntegrationFact] so they skip locally without the toolchain.
/// </summary>
public abstract class IntegrationTest : IDisposable
{
    protected IntegrationTest(ITestOutputHelper output)
    {
        Toolchain.Require();
        Output = output;
        Registry = new TestRegistry();
        WorkDirectory = Directory.CreateTempSubdirectory($"devcontainer-it-{Registry.Namespace}-").FullName;
        ArtifactsDirectory = Path.Combine(WorkDirectory, "artifacts");
        Directory.CreateDirectory(ArtifactsDirectory);
        Build = new BuildRunner(output);
        // A run that may not push to --registry (a pull request) stages its images in a registry of this test's namespace
        // on the toolchain's registry, as a self-hosted runner with a registry configures it (the build would otherwise
        // start one with docker, whose image cannot be pulled here).
        Build.Environment["NUKE_STAGING_REGISTRY"] = Registry.Prefix + "/staging";
        ColdCache = new ColdBuildCache(Registry);
        Output.WriteLine($"registry namespace {Registry.Prefix}; artifacts {ArtifactsDirectory}");
    }

    protected ITestOutputHelper Output { get; }
    protected TestRegistry Registry { get; }
    protected BuildRunner Build { get; }

    /// <summary>Opt-in cold build cache for this test (see ColdBuildCache).</summary>
    protected ColdBuildCache ColdCache { get; }

    /// <summary>A scratch directory of this test (deleted afterwards unless KEEP_TEST_ARTIFACTS=1).</summary>
    protected string WorkDirectory { get; }

    /// <summary>This test's artifacts directory; <see cref="RunBuildAsync"/> passes it as --artifacts.</summary>
    protected string ArtifactsDirectory { get; }

    /// <summary>
    /// Runs the build with `--artifacts &lt;this test's dir&gt;` added unless given. The fixture is not implied: pass
    /// `--bake-file` yourself (see <see cref="RepoPaths.FixtureBakeFile"/>).
    /// </summary>
    protected Task<ProcessResult> RunBuildAsync(params string[] arguments) =>
        Build.RunAsync(arguments.Contains("--artifacts") ? arguments : [.. arguments, "--artifacts", ArtifactsDirectory]);

    /// <summary>
    /// The last run's full log (artifacts/logs/build.log under <paramref name="artifacts"/>, default this test's): every tool
    /// line, which the console shows only at --verbosity verbose.
    /// </summary>
    protected string BuildLog(string? artifacts = null) => File.ReadAllText(Path.Combine(artifacts ?? ArtifactsDirectory, "logs", "build.log"));

    /// <summary>Runs a toolchain tool (docker, skopeo, cosign, ...) with the toolchain's environment, output to the test log.</summary>
    protected Task<ProcessResult> RunToolAsync(string tool, IReadOnlyList<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        Output.WriteLine($"$ {tool} {string.Join(' ', arguments)}");
        return ProcessRunner.RunAsync(tool, arguments, workingDirectory, environment, line =>
        {
            try { Output.WriteLine(line); } catch (InvalidOperationException) { }
        });
    }

    public virtual void Dispose()
    {
        Registry.Dispose();
        if (System.Environment.GetEnvironmentVariable("KEEP_TEST_ARTIFACTS") == "1") return;
        try { Directory.Delete(WorkDirectory, recursive: true); }
        catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}
