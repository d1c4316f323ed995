using Pipeline.Host;
using Tests.Shared;
using Xunit;

namespace Host.Tests;

/// <summary>--help, --plan, the schema and the summary of the sample build, as committed golden files (accept with ACCEPT_GOLDEN=1).</summary>
public class OutputGoldenTests : IDisposable
{
    private readonly HostRun _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Help()
    {
        _host.Environment["PASSWORD"] = "env-secret-value";
        _host.Environment["RETRIES"] = "9";
        Assert.Equal(0, _host.RunSample("--help").ExitCode);
        Assert.DoesNotContain("env-secret-value", _host.Output);
        Assert.DoesNotContain("default: 9", _host.Output);
        Golden.Match("help.txt", _host.Output);
    }

    [Fact]
    public void Plan()
    {
        // Publish needs --password: the plan says so, and exits 2 as the run would.
        Assert.Equal(2, _host.RunSample("--plan", "Publish", "Clean", "--push", "--skip", "Lint").ExitCode);
        Golden.Match("plan.txt", _host.Output);
    }

    [Fact]
    public void Plan_with_a_false_static_condition()
    {
        Assert.Equal(0, _host.RunSample("--plan", "Publish", "Compile").ExitCode);
        Golden.Match("plan-static-skip.txt", _host.Output);
    }

    [Fact]
    public void Schema_is_written_on_every_run_in_nukes_format()
    {
        Assert.Equal(0, _host.RunSample("--plan").ExitCode);
        var schema = File.ReadAllText(Path.Combine(_host.Root, ".nuke", "build.schema.json"));
        Golden.Match("build.schema.json", schema);
        Assert.Equal("{\n  \"$schema\": \"./build.schema.json\"\n}\n", File.ReadAllText(Path.Combine(_host.Root, ".nuke", "parameters.json")));
    }

    [Fact]
    public void Schema_validates_parameters_json_as_nuke_expects()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(SchemaWriter.Render(
            ExecutableTarget.Discover(new SampleBuild()), ParameterMember.Discover(typeof(SampleBuild))));
        var root = doc.RootElement;
        Assert.Equal(["$schema", "definitions", "allOf"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["Host", "ExecutableTarget", "Verbosity", "NukeBuild"], root.GetProperty("definitions").EnumerateObject().Select(p => p.Name));
        Assert.Equal("#/definitions/NukeBuild", root.GetProperty("allOf")[1].GetProperty("$ref").GetString());
        var own = root.GetProperty("allOf")[0].GetProperty("properties");
        Assert.Equal("Registry to push to", own.GetProperty("Registry").GetProperty("description").GetString());
        Assert.Equal(["boolean", "null"], own.GetProperty("Force").GetProperty("type").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["chocolate", "mint-chip", "vanilla"], own.GetProperty("Flavors").GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Secrets must be entered via 'nuke :secrets [profile]'", own.GetProperty("Password").GetProperty("default").GetString());
        Assert.True(own.TryGetProperty("manifest", out _));
        var targetItems = root.GetProperty("definitions").GetProperty("NukeBuild").GetProperty("properties").GetProperty("Target").GetProperty("items");
        Assert.Equal("#/definitions/ExecutableTarget", targetItems.GetProperty("$ref").GetString());
    }

    [Fact]
    public void Summary()
    {
        var targets = ExecutableTarget.Discover(new SampleBuild());
        var plan = ExecutionPlanner.Plan(targets, [BuildExecutor.FindTarget("Pack", targets)]);
        var durations = new[] { 0.2, 3.5, 65, 0, 12, 0 };
        foreach (var (p, i) in plan.Select((p, i) => (p, i)))
            (p.Target.Status, p.Target.Duration) = (TargetStatus.Succeeded, TimeSpan.FromSeconds(durations[i]));
        plan[2].Target.Skip("--skip");
        plan[2].Target.Duration = TimeSpan.Zero;
        plan[4].Target.SummaryNotes["flavors"] = "vanilla mint-chip";
        plan[4].Target.Status = TargetStatus.Failed;
        plan[5].Target.Status = TargetStatus.NotRun;
        Golden.Match("summary.txt", SummaryText.Render(plan, succeeded: false, new DateTime(2026, 11, 23, 17, 5, 0),
            new RunTimes(TimeSpan.FromSeconds(97), TimeSpan.FromSeconds(9))));
    }
}
