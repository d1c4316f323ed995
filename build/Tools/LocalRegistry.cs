using Pipeline.Host.Tooling;
using Serilog;

namespace Pipeline.Tools;

/// <summary>
/// The registry a run starts for itself when it may not (or need not) push to --registry and was given no
/// --staging-registry (<see cref="ImageStaging"/>): the distribution registry's official image, pinned by digest, run
/// with docker on a free loopback port (plain HTTP, as docker, buildx, skopeo, cosign and Trivy all allow on loopback),
/// and removed with its data when the run ends. Nothing in it outlives the run, so it can stage but never publish.
/// </summary>
public sealed class LocalRegistry(string docker, string containerName, string address) : IAsyncDisposable
{
    /// <summary>registry 2.8.3 (the distribution registry), pinned by digest.</summary>
    public const string Image = "docker.io/library/registry:2.8.3@sha256:a3d8aaa63ed8681a604f1dea0aa03f100d5895b6a58ace528858a7b332415373";

    /// <summary>host:port on loopback, e.g. 127.0.0.1:49153.</summary>
    public string Address => address;

    /// <summary>`docker run`: detached, removed when stopped, the registry's port 5000 published on a free 127.0.0.1 port.</summary>
    public static IReadOnlyList<string> RunArguments(string containerName, string image) =>
        ["run", "--detach", "--rm", "--name", containerName, "--publish", "127.0.0.1::5000", image];

    public static IReadOnlyList<string> PortArguments(string containerName) => ["port", containerName, "5000/tcp"];

    public static IReadOnlyList<string> RemoveArguments(string containerName) => ["rm", "--force", "--volumes", containerName];

    /// <summary>`docker port`'s answer (one line per address, e.g. 127.0.0.1:49153) → the loopback address.</summary>
    public static string ParseAddress(string portOutput) =>
        portOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(l => l.StartsWith("127.", StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"docker port printed no 127.0.0.1 address ({portOutput.Trim()}); the staging registry did not publish its port.");

    /// <summary>Starts the registry and waits until it answers; one line naming the fix when it cannot start.</summary>
    public static async Task<LocalRegistry> StartAsync(string docker, string image, string runId, CancellationToken cancellationToken = default)
    {
        var name = $"devcontainer-pipeline-staging-{runId}";
        var run = await ToolRunner.RunAsync(docker, RunArguments(name, image), logOutput: false, cancellationToken: cancellationToken);
        if (!run.Succeeded)
            throw new InvalidOperationException($"Could not start a staging registry ({image}): {ToolLocation.DockerReason(run.StandardError)}; " +
                "pass --staging-registry <host:port> of a running registry (e.g. 127.0.0.1:5000), --staging-registry-image <a mirror of it, by digest>, " +
                "or keep images as archives with --image-output archive.");
        var registry = new LocalRegistry(docker, name, "");
        try
        {
            var port = await ToolRunner.RunCheckedAsync(docker, PortArguments(name), logOutput: false, cancellationToken: cancellationToken);
            registry = new LocalRegistry(docker, name, ParseAddress(port.StandardOutput));
            await WaitUntilAnswersAsync(registry.Address, cancellationToken);
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
        Log.Information("Started a staging registry for this run at {Address} ({Image}); it is removed when the run ends", registry.Address, image);
        return registry;
    }

    /// <summary>One quick look (2 s) whether a registry answers at <paramref name="address"/> (loopback: plain HTTP), any status.</summary>
    public static async Task<bool> AnswersAsync(string address)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync($"http://{address}/v2/");
            return (int)response.StatusCode < 500;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
    }

    static async Task WaitUntilAnswersAsync(string address, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                using var response = await http.GetAsync($"http://{address}/v2/", cancellationToken);
                if ((int)response.StatusCode < 500) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(200, cancellationToken);
        }
        throw new InvalidOperationException($"The staging registry at {address} did not answer within 10 s; pass --staging-registry <host:port> of a running registry.");
    }

    public async ValueTask DisposeAsync()
    {
        var removed = await ToolRunner.RunAsync(docker, RemoveArguments(containerName), logOutput: false);
        if (removed.Succeeded) Log.Information("Removed the staging registry {Address}", address);
        else Log.Warning("Could not remove the staging registry container {Name}: {Error}; remove it with `docker rm -f {Name}`", containerName, ToolOutput.LastLine(removed.StandardError), containerName);
    }
}
