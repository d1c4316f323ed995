using System.Text.RegularExpressions;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.HarnessTests;

/// <summary>
/// A FreshBuilder starts with an empty build cache (its fixture build runs every step) and a bake on it reuses a
/// registry cache exported by the shared builder (the steps are CACHED after importing the cache manifest).
/// </summary>
public sealed class FreshBuilderTests(ITestOutputHelper output) : IntegrationTest(output)
{
    const string Target = "gcc14-clangp2996";

    static string[] Bake(params string[] options) =>
    [
        "buildx", "bake", "-f", "docker-bake.hcl", "--progress", "plain",
        "--set", $"{Target}.platform=linux/amd64,linux/arm64", "--set", $"{Target}.output=type=cacheonly", .. options, Target,
    ];

    /// <summary>How each platform's fixture RUN step ended in a plain-progress log: CACHED, DONE or ERROR.</summary>
    static IReadOnlyList<string> RunStepOutcomes(string log)
    {
        var steps = Regex.Matches(log, @"^(#\d+) \[linux/\w+ image 3/3\] RUN", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Distinct();
        return steps.Select(step => Regex.Matches(log, $@"^{step} (CACHED|DONE|ERROR)", RegexOptions.Multiline).Select(m => m.Groups[1].Value)
            .LastOrDefault() ?? "?").ToList();
    }

    [IntegrationFact]
    public async Task Fresh_builder_is_cold_and_reuses_the_registry_cache_of_another_builder()
    {
        var cache = $"{Registry.Repository("devcontainer-cache")}:{Target}-main";
        var warm = await RunToolAsync("docker", Bake("--set", $"{Target}.cache-to=type=registry,ref={cache},mode=max"),
            RepoPaths.Fixture, ColdCache.Environment);
        Assert.True(warm.Succeeded, warm.Output);

        using (var cold = await FreshBuilder.StartAsync(Output))
        {
            var environmentCold = new Dictionary<string, string?>(ColdCache.Environment);
            foreach (var (name, value) in cold.Environment) environmentCold[name] = value;
            var uncached = await RunToolAsync("docker", Bake(), RepoPaths.Fixture, environmentCold);
            Assert.True(uncached.Succeeded, uncached.Output);
            Assert.Equal(["DONE", "DONE"], RunStepOutcomes(uncached.Output));
        }

        using var fresh = await FreshBuilder.StartAsync(Output);
        var environment = new Dictionary<string, string?>(ColdCache.Environment);
        foreach (var (name, value) in fresh.Environment) environment[name] = value;
        var reused = await RunToolAsync("docker", Bake("--set", $"{Target}.cache-from=type=registry,ref={cache}"), RepoPaths.Fixture, environment);
        Assert.True(reused.Succeeded, reused.Output);
        Assert.Contains($"importing cache manifest from {cache}", reused.Output);
        Assert.Equal(["CACHED", "CACHED"], RunStepOutcomes(reused.Output));
    }
}
