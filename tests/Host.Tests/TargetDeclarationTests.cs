using Pipeline.Host;
using Xunit;

namespace Host.Tests;

public class TargetDeclarationTests
{
    private sealed class ProducingBuild : NukeBuild
    {
        public string Output = "out";
        Target Compile => _ => _.Produces(RootDirectory / Output / "bin");
        Target Pack => _ => _.DependsOn(Compile).Produces(RootDirectory / Output / "*.nupkg", RootDirectory / Output / "pack.log");
        Target Lint => _ => _.DependentFor(Pack);
    }

    [Fact]
    public void Declarations_carry_dependencies_and_produced_paths_as_the_current_parameters_declare_them()
    {
        var declarations = TargetDeclaration.Of(new ProducingBuild { Output = "elsewhere" }).ToDictionary(d => d.Name);

        Assert.Equal(new[] { "Compile", "Pack", "Lint" }, declarations.Keys);
        Assert.Equal(new[] { "Compile", "Lint" }, declarations["Pack"].DependsOn);
        Assert.Equal(new string[] { NukeBuild.RootDirectory / "elsewhere" / "*.nupkg", NukeBuild.RootDirectory / "elsewhere" / "pack.log" }, declarations["Pack"].Produces);
        Assert.Empty(declarations["Lint"].Produces);
    }

    private sealed class ConsumingBuild : NukeBuild
    {
        [Parameter("Where reports go")] readonly string Reports = "reports";
        Target Scan => _ => _.Reads(() => Reports).Produces(RootDirectory / Reports);
        Target Audit => _ => _;
        Target Gate => _ => _
            .Reads(() => Reports)
            .Consumes(Scan, new ConsumedFile("the scan report", RootDirectory / Reports / "scan.json"))
            .Consumes([Scan, Audit], new ConsumedFile("the audit log", RootDirectory / Reports / "audit.log"));
    }

    [Fact]
    public void Consumed_files_name_their_producers_and_the_consumer_and_readers_come_from_Reads()
    {
        var declarations = TargetDeclaration.Of(new ConsumingBuild()).ToDictionary(d => d.Name);

        var consumed = declarations["Gate"].Consumes;
        Assert.Equal(2, consumed.Count);
        Assert.Equal(new DeclaredInput(["Scan"], "Gate", "the scan report", NukeBuild.RootDirectory / "reports" / "scan.json"), consumed[0], DeclaredInputComparer);
        Assert.Equal(new[] { "Scan", "Audit" }, consumed[1].Producers);
        Assert.Empty(declarations["Scan"].Consumes);
        Assert.Contains("Reports", declarations["Gate"].Reads);
        Assert.DoesNotContain("Reports", declarations["Audit"].Reads);
    }

    static readonly IEqualityComparer<DeclaredInput> DeclaredInputComparer = EqualityComparer<DeclaredInput>.Create(
        (a, b) => a!.Producers.SequenceEqual(b!.Producers) && (a.Consumer, a.Description, a.Path) == (b.Consumer, b.Description, b.Path));
}
