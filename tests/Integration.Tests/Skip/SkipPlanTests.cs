using Integration.Tests.Bake;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Skip;

/// <summary>--plan names the reference each permutation's reuse is decided on, or that --force builds everything (no docker needed).</summary>
public sealed class SkipPlanTests(ITestOutputHelper output) : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("skip-plan-").FullName;

    [Fact]
    public async Task Plan_names_the_reference_reuse_reads()
    {
        var result = await new BuildRunner(output).RunAsync(["Bake", "--plan", "--registry", "127.0.0.1:5000/plan", "--permutations", "gcc15-clang20"],
            null, GitHubEvent.PullRequest(_directory, 12), null);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("reuse (decided when Bake runs: built unless this image's input digest equals the permutation's):", result.Output);
        Assert.Contains("  gcc15-clang20: 127.0.0.1:5000/plan/devcontainer:gcc15-clang20", result.Output);
    }

    [Fact]
    public async Task Plan_with_force_says_everything_is_built()
    {
        var result = await new BuildRunner(output).RunAsync(["Bake", "--plan", "--force", "--permutations", "gcc15-clang20"],
            null, GitHubEvent.Push(_directory), null);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("reuse: none (--force: every permutation is built)", result.Output);
        Assert.DoesNotContain("reuse (decided when Bake runs", result.Output);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
