using Pipeline.Host;
using Xunit;

namespace Host.Tests;

public class ArgumentParserTests
{
    [Theory]
    [InlineData("GitHubToken", "github-token")]
    [InlineData("NuGetApiKey", "nuget-api-key")]
    [InlineData("BakeFile", "bake-file")]
    [InlineData("NoLogo", "no-logo")]
    [InlineData("Sbom2Json", "sbom2-json")]
    public void Flags_are_kebab_case_keeping_GitHub_and_NuGet_whole(string member, string flag) =>
        Assert.Equal(flag, ParsedArguments.ToKebabCase(member));

    [Fact]
    public void Positional_tokens_before_the_first_parameter_are_targets_and_plus_joins_them()
    {
        var parsed = ParsedArguments.Parse(["Scan+Sbom", "Manifest", "--registry", "r", "--labels", "a", "b", "--skip"]);
        Assert.Equal(["Scan", "Sbom", "Manifest"], parsed.PositionalTargets);
        Assert.Equal(["r"], parsed.Parameters["registry"]);
        Assert.Equal(["a", "b"], parsed.Parameters["labels"]);
        Assert.Empty(parsed.Parameters["skip"]);
    }

    [Fact]
    public void Negative_numbers_are_values_not_parameters()
    {
        var parsed = ParsedArguments.Parse(["--retries", "-1"]);
        Assert.Equal(["-1"], parsed.Parameters["retries"]);
    }

    [Fact]
    public void A_boolean_flag_keeps_one_true_or_false_and_gives_the_rest_back_as_targets()
    {
        var isFlag = (string name) => name is "plan" or "push";
        var parsed = ParsedArguments.Parse(["--plan", "Publish", "Scan+Sbom", "--push", "false", "Rollback"], isFlag);
        Assert.Empty(parsed.Parameters["plan"]);
        Assert.Equal(["false"], parsed.Parameters["push"]);
        Assert.Equal(["Publish", "Scan", "Sbom", "Rollback"], parsed.PositionalTargets);
    }

    [Fact]
    public void Environment_variable_names_are_upper_snake_case_of_the_flag()
    {
        var member = ParameterMember.Discover(typeof(SampleBuild)).Single(p => p.Name == "MainFlavor");
        Assert.Equal("--main-flavor", member.Flag);
        Assert.Equal("MAIN_FLAVOR", member.EnvironmentVariable);
    }
}
