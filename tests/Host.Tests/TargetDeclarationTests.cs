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
}
