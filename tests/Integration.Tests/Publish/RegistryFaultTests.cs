using System.Net;
using System.Net.Sockets;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Publish;

public class RegistryFaultTests(ITestOutputHelper output) : PublishTest(output)
{
    [IntegrationFact]
    public async Task A_registry_that_drops_or_refuses_connections_gets_bounded_retries_then_one_clear_error()
    {
        // A "registry" on loopback that accepts every connection and drops it at once.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var dropped = 0;
        var dropper = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var client = await listener.AcceptTcpClientAsync(stop.Token);
                    client.Client.LingerState = new LingerOption(true, 0); // reset, not a clean close
                    Interlocked.Increment(ref dropped);
                }
                catch (OperationCanceledException) { return; }
            }
        });
        var registry = $"127.0.0.1:{port}/{Registry.Namespace}";
        string[] Arguments(string target, params string[] extra) =>
            [.. PipelineArguments(target, extra).Select(a => a == Registry.Prefix ? registry : a), "--permutations", "gcc14-clang20"];

        // Built into an archive (the default would push to the dropping registry): Publish is the first to reach it.
        Assert.True((await RunBuildAsync(Arguments("Manifest", "--image-output", "archive"))).Succeeded, "Manifest failed");
        var dropping = await RunBuildAsync(Arguments("Publish", "--skip"));
        Assert.NotEqual(0, dropping.ExitCode);
        Assert.Contains("attempt 2/4", dropping.Output);
        Assert.Contains("attempt 4/4", dropping.Output);
        Assert.Contains("failed after 4 attempts", dropping.Output);
        Assert.Contains("check that the host it names is reachable (for a push, that the registry accepts pushes), then re-run", dropping.Output);
        Assert.True(dropped >= 4, $"only {dropped} connection(s) reached the dropping server");

        // Nothing listening at all: the same bounded retries, the same single error.
        await stop.CancelAsync();
        listener.Stop();
        await dropper;
        var refused = await RunBuildAsync(Arguments("Publish", "--skip"));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("connection refused", refused.Output);
        Assert.Contains("failed after 4 attempts", refused.Output);
        Assert.DoesNotContain(Password, dropping.Output + refused.Output);
    }
}
