using Xunit;

namespace BuildTests.Publish;

public class RetryPolicyTests
{
    static readonly RetryPolicy Policy = new(4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));

    [Fact]
    public void Backoff_doubles_and_is_capped() =>
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)], Policy.Delays());

    [Theory]
    [InlineData("dial tcp 127.0.0.1:5999: connect: connection refused", true)]
    [InlineData("Patch \"http://x/v2/blobs/uploads/1\": EOF", true)]
    [InlineData("read: connection reset by peer", true)]
    [InlineData("manifest unknown: manifest unknown", false)]
    [InlineData("unauthorized: authentication required", false)]
    public void Only_network_failures_are_transient(string error, bool transient) => Assert.Equal(transient, RetryPolicy.IsTransient(error));

    [Fact]
    public async Task Retries_network_failures_then_gives_one_clear_error()
    {
        var waits = new List<TimeSpan>();
        var attempts = 0;
        var error = await Assert.ThrowsAsync<RegistryOperationException>(() => Policy.RunAsync<bool>("Pushing r@d", () =>
        {
            attempts++;
            return Task.FromResult((false, false, "dial tcp 127.0.0.1:5999: connect: connection refused"));
        }, wait: d => { waits.Add(d); return Task.CompletedTask; }));
        Assert.Equal(4, attempts);
        Assert.Equal(Policy.Delays(), waits);
        Assert.Equal("Pushing r@d failed after 4 attempts (dial tcp 127.0.0.1:5999: connect: connection refused); check that the host it names is reachable (for a push, that the registry accepts pushes), then re-run (completed steps are skipped).", error.Message);
    }

    [Fact]
    public async Task Succeeds_when_the_network_recovers_and_fails_fast_on_other_errors()
    {
        var attempts = 0;
        var value = await Policy.RunAsync("x", () => Task.FromResult(++attempts < 3 ? (false, 0, "EOF") : (true, 7, "")), wait: _ => Task.CompletedTask);
        Assert.Equal((7, 3), (value, attempts));
        attempts = 0;
        await Assert.ThrowsAsync<RegistryOperationException>(() => Policy.RunAsync("x", () => { attempts++; return Task.FromResult((false, 0, "denied: requested access to the resource is denied")); }, wait: _ => Task.CompletedTask));
        Assert.Equal(1, attempts);
    }
}
