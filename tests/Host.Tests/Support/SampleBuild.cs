using Pipeline.Host;

namespace Host.Tests;

public sealed class Flavor : Enumeration
{
    public static readonly Flavor Vanilla = new() { Value = "vanilla" };
    public static readonly Flavor Chocolate = new() { Value = "chocolate" };
    public static readonly Flavor Mint = new() { Value = "mint-chip" };
}

public enum Channel { Stable, Preview }

/// <summary>
/// A small build that uses every parameter type and relation, so the golden files of --help, --plan and the
/// schema describe the host rather than the real build (which other areas keep extending).
/// </summary>
internal sealed class SampleBuild : NukeBuild
{
    [Parameter("Registry to push to.")] public readonly string Registry = "localhost:5000";
    [Parameter("Push after packing")] public readonly bool Push;
    [Parameter("Attempts per push")] public readonly int Retries = 3;
    [Parameter("How long one push may take")] public readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    [Parameter("Release channel")] public readonly Channel Channel = Channel.Stable;
    [Parameter("Flavors to pack")] public readonly Flavor[] Flavors = [.. Enumeration.All<Flavor>()];
    [Parameter("The flavor tagged latest")] public readonly Flavor? MainFlavor;
    [Parameter("Extra labels")] public readonly string[] Labels = [];
    [Parameter("Stop after this many items")] public readonly int? Limit;
    [Parameter("Allow the push to overwrite")] public readonly bool? Force;
    [Parameter("Registry password")] [Secret] public readonly string? Password;
    [Parameter("Where the manifest goes", Name = "manifest")] public readonly string ManifestPath = "manifest.json";

    public readonly List<string> Ran = [];
    public bool TestsPass = true;
    public bool AnnounceDynamically = true;

    Target Clean => _ => _
        .Description("Delete the output folder")
        .Before(Restore)
        .Executes(() => Ran.Add(nameof(Clean)));

    Target Restore => _ => _
        .Description("Restore packages")
        .Executes(() => Ran.Add(nameof(Restore)));

    Target Compile => _ => _
        .Description("Compile everything")
        .DependsOn(Restore)
        .Executes(() => Ran.Add(nameof(Compile)));

    Target Lint => _ => _
        .Unlisted()
        .DependentFor(Test)
        .After(Compile)
        .Executes(() => Ran.Add(nameof(Lint)));

    Target Test => _ => _
        .Description("Run the tests")
        .DependsOn(Compile)
        .Executes(() =>
        {
            Ran.Add(nameof(Test));
            if (!TestsPass) throw new InvalidOperationException("3 tests failed");
        });

    Target Pack => _ => _
        .Description("Pack the flavors")
        .DependsOn(Test)
        .Produces(RootDirectory / "packages" / "*.nupkg")
        .Executes(async () =>
        {
            await Task.Yield();
            Ran.Add(nameof(Pack));
            ReportSummary(_ => { _["flavors"] = string.Join(" ", Flavors.Select(f => f.Value)); return _; });
        });

    Target Publish => _ => _
        .Description("Push the packages")
        .DependsOn(Pack)
        .Requires(() => Password)
        .OnlyWhenStatic(() => Push)
        .Triggers(Announce)
        .Executes(() =>
        {
            Ran.Add(nameof(Publish));
            Serilog.Log.Information("Logging in to {Registry} with password {Password}", Registry, Password);
        });

    Target Announce => _ => _
        .Description("Tell the team")
        .OnlyWhenDynamic(() => AnnounceDynamically)
        .Executes(() => Ran.Add(nameof(Announce)));

    Target Report => _ => _
        .Description("Write a report even when something failed")
        .TriggeredBy(Test)
        .AssuredAfterFailure()
        .Executes(() => Ran.Add(nameof(Report)));

    Target Default => _ => _
        .Description("The default: compile and test")
        .DependsOn(Test);

    public static readonly string[] DefaultTargets = [nameof(Default)];
}
