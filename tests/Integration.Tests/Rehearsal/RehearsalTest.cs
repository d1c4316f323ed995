using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Rehearsal;

/// <summary>
/// Base of the workflow rehearsal tests: the toolchain check, a scratch folder and a <see cref="RehearsalSetup"/> of the
/// test's own (registry, origin, GitHub API), one rehearsed run of a generated workflow, and the test log. Derived
/// classes join <see cref="RehearsalSetup.Collection"/>, so rehearsals run one at a time.
/// </summary>
public abstract class RehearsalTest(ITestOutputHelper output, string name) : IAsyncLifetime
{
    /// <summary>This test's scratch folder: each run's artifacts and job workspaces are under &lt;run name&gt;/.</summary>
    protected string Scratch { get; } = Directory.CreateTempSubdirectory($"devcontainer-{name}-").FullName;

    protected RehearsalSetup Setup { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Toolchain.Require();
        Setup = await RehearsalSetup.StartAsync(Scratch);
    }

    public async Task DisposeAsync()
    {
        await Setup.DisposeAsync();
        if (System.Environment.GetEnvironmentVariable("KEEP_TEST_ARTIFACTS") != "1")
            try { Directory.Delete(Scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>A workflow as committed in .github/workflows/.</summary>
    protected static WorkflowDefinition Workflow(string file) =>
        WorkflowDefinition.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, ".github", "workflows", file)));

    /// <summary>Runs <paramref name="workflow"/> for <paramref name="event"/> on <paramref name="machine"/>, its summary to the log.</summary>
    protected async Task<RehearsalReport> RehearseAsync(WorkflowDefinition workflow, RehearsalEvent @event, RehearsalMachine machine, string runName)
    {
        var report = await new WorkflowRehearsal(workflow, machine).RunAsync(@event);
        Log("=== rehearsal " + runName + ":\n" + report.Summary);
        return report;
    }

    protected void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }
}
