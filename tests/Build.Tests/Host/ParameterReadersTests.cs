using Pipeline.Host;
using Tests.Shared;
using Xunit;

namespace BuildTests.Host;

/// <summary>
/// Every target declares the parameters it reads (.Reads, .Requires), so a flag no target of the run reads is refused:
/// the declarations must be what the targets really read (their IL, <see cref="ParameterReadAnalysis"/>), no more, no less.
/// </summary>
public class ParameterReadersTests
{
    static readonly Build BuildInstance = (Build)Activator.CreateInstance(typeof(Build), nonPublic: true)!;
    static readonly IReadOnlyList<ExecutableTarget> Targets = ExecutableTarget.Discover(BuildInstance);
    static readonly IReadOnlyList<ParameterMember> OwnParameters = ParameterMember.Discover(typeof(Build)).Where(p => !p.IsBase).ToList();

    public static TheoryData<string> TargetNames() => [.. Targets.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void A_target_declares_exactly_the_parameters_it_reads(string name)
    {
        var target = Targets.Single(t => t.Name == name);
        var read = ParameterReadAnalysis.ReadsOf(target, typeof(Build));
        var declared = ParameterReaders.Of(target);
        var undeclared = read.Except(declared).Order().ToList();
        var unread = declared.Except(read).Order().ToList();
        Assert.True(undeclared.Count == 0 && unread.Count == 0,
            $"{name} reads {string.Join(", ", undeclared.DefaultIfEmpty("-"))} without declaring it (add .Reads(() => X)); " +
            $"declares {string.Join(", ", unread.DefaultIfEmpty("-"))} it never reads (drop it)");
    }

    [Fact]
    public void The_analysis_sees_reads_through_lambdas_state_machines_getters_and_conditions()
    {
        // Bake reads --force inside an async method's state machine, Scan --fail-on-severity inside a lambda, Prune
        // --prune through the property its OnlyWhenStatic names, and Rollback its --manifest through Requires.
        Assert.Contains("Force", ParameterReadAnalysis.ReadsOf(Targets.Single(t => t.Name == "Bake"), typeof(Build)));
        Assert.Contains("FailOnSeverity", ParameterReadAnalysis.ReadsOf(Targets.Single(t => t.Name == "Scan"), typeof(Build)));
        Assert.Contains("PruneRequested", ParameterReadAnalysis.ReadsOf(Targets.Single(t => t.Name == "Prune"), typeof(Build)));
        Assert.Contains("RollbackManifest", ParameterReadAnalysis.ReadsOf(Targets.Single(t => t.Name == "Rollback"), typeof(Build)));
        // Another target's getter (Publish DependsOn Manifest) is not followed: Publish does not read --fail-on-severity.
        Assert.DoesNotContain("FailOnSeverity", ParameterReadAnalysis.ReadsOf(Targets.Single(t => t.Name == "Publish"), typeof(Build)));
    }

    [Fact]
    public void Every_parameter_of_the_build_is_read_by_a_target()
    {
        var unread = OwnParameters.Where(p => ParameterReaders.ReadersOf(p, Targets).Count == 0).Select(p => p.Flag).ToList();
        Assert.True(unread.Count == 0, $"no target reads {string.Join(", ", unread)}: declare its readers or drop the parameter");
    }

    /// <summary>The table of readers, reviewed as a golden file: a change in who reads a flag shows in the diff.</summary>
    [Fact]
    public void The_readers_of_every_parameter()
    {
        var lines = OwnParameters.Select(p => $"{p.Flag,-26} {string.Join(", ", ParameterReaders.ReadersOf(p, Targets).Select(t => t.Name))}");
        Golden.Match("parameter-readers.txt", string.Join("\n", lines) + "\n");
    }

    [Theory]
    [InlineData("Bake --dry-run", "ERROR: --dry-run is read by UpdateBasePin, Publish, Rollback, Retention, none of which runs; drop it or run one of them.")]
    [InlineData("GenerateWorkflows --registry 127.0.0.1:5000/x", "ERROR: --registry is read by Bake, MergePlatforms, Publish, Rollback, Refresh, Retention, none of which runs; drop it or run one of them.")]
    [InlineData("Rollback --manifest good.json --force", "ERROR: --force is read by Bake, which does not run; drop it or run Bake.")]
    public void A_flag_no_target_of_the_run_reads_is_refused_before_anything_runs(string commandLine, string expected)
    {
        var (exitCode, output) = RunBuild(commandLine.Split(' '));
        Assert.Equal(2, exitCode);
        Assert.Equal(expected, output.Trim());
    }

    static (int ExitCode, string Output) RunBuild(string[] args)
    {
        var root = Directory.CreateTempSubdirectory("parameter-readers-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, ".nuke"));
            var console = new StringWriter();
            var exitCode = BuildExecutor.Run((Build)Activator.CreateInstance(typeof(Build), nonPublic: true)!, [.. args, "--root", root.FullName, "--no-logo"],
                ["Manifest"], new Dictionary<string, string>(), console);
            return (exitCode, console.ToString());
        }
        finally { root.Delete(recursive: true); }
    }
}
