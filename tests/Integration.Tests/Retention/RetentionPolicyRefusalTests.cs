using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Retention;

/// <summary>A bad retention policy is bad input: refused before Retention reads the registry (exit 2, one line; no docker needed).</summary>
public sealed class RetentionPolicyRefusalTests(ITestOutputHelper output) : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("retention-policy-").FullName;

    [Fact]
    public async Task An_out_of_range_policy_value_is_refused_up_front_with_exit_2()
    {
        var policy = Path.Combine(_directory, "policy.json");
        File.WriteAllText(policy, File.ReadAllText(Path.Combine(RepoPaths.Root, "retention-policy.json"))
            .Replace("\"pr-*\"], \"olderThanDays\": 90", "\"pr-*\"], \"olderThanDays\": 0"));
        var result = await new BuildRunner(output).RunAsync(["Retention", "--retention-policy", policy, "--registry", "127.0.0.1:1/unreachable",
            "--artifacts", Path.Combine(_directory, "artifacts"), "--no-logo"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"ERROR: Retention policy {policy}: images.pullRequests.olderThanDays must be at least 1 day.", result.Output);
        Assert.DoesNotContain("═══ Retention", result.Output);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
