using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Bake;

public sealed class ValidateTests(ITestOutputHelper output) : BakeScenario(output)
{
    [IntegrationFact]
    public async Task Validate_passes_on_the_good_fixture_for_every_platform()
    {
        var result = await RunOnFixtureAsync(null, "Validate", "--permutations", "gcc14-clang20", "gcc15-clangp2996", "--cache", "none",
            "--platforms", "linux/amd64", "linux/arm64");
        AssertSucceeded(result, "Validate");
        // The smoke tests' own lines are tool output: in the log file, not on the console at normal verbosity.
        var log = BuildLog();
        foreach (var id in new[] { "gcc14-clang20", "gcc15-clangp2996" })
        foreach (var platform in new[] { "linux/amd64", "linux/arm64" })
        {
            Assert.Contains($"smoke tests passed [{id} {platform}]", log);
            Assert.DoesNotContain($"smoke tests passed [{id} {platform}]", result.Output);
        }
        // One bake per platform for both permutations, not one per permutation and platform.
        var validateBakes = result.Output.Split('\n').Where(l => l.Contains("> docker buildx bake") && l.Contains("--set validate-")).ToList();
        Assert.Equal(2, validateBakes.Count);
        Assert.All(validateBakes, l => Assert.Contains("validate-gcc14-clang20 validate-gcc15-clangp2996", l));
    }

    [IntegrationFact]
    public async Task Validate_fails_naming_the_permutation_and_the_platform_that_broke()
    {
        var broken = new Dictionary<string, string?> { ["FIXTURE_BREAK"] = "gcc15-clang20@linux/arm64" };
        var result = await RunOnFixtureAsync(broken, "Validate", "--permutations", "gcc14-clang20", "gcc15-clang20", "--cache", "none",
            "--platforms", "linux/amd64", "linux/arm64");
        Assert.NotEqual(0, result.ExitCode);
        var failure = result.Output.Split('\n').Single(l => l.Contains("Target Validate failed"));
        Assert.Contains("gcc15-clang20 on linux/arm64", failure);
        Assert.Contains("gcc reports version '0-broken'", failure);
        Assert.DoesNotContain("on linux/amd64", failure);
        Assert.DoesNotContain("gcc14-clang20", failure);
    }
}
