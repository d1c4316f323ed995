using System.Diagnostics;
using Integration.Tests.Harness;

namespace Integration.Tests.Bake;

/// <summary>
/// A second Docker Engine with its own empty data root, containerd and BuildKit cache: a genuinely fresh builder,
/// as a new CI runner has. (The toolchain's engine shares one cache between all tests and a docker-container
/// builder cannot be created without pulling moby/buildkit.) It shares the toolchain's bridge docker0 (addresses
/// from the upper half of its /24, no iptables, no masquerading): `"bridge": "none"` is NOT an option, because a
/// dockerd without a bridge deletes the host's docker0, breaking every other build on the shared engine.
/// Stopped by its own pid; its directory is deleted afterwards.
/// </summary>
internal sealed class FreshDockerEngine : IAsyncDisposable
{
    readonly string _directory;
    readonly Process _process;

    FreshDockerEngine(string directory, Process process)
    {
        _directory = directory;
        _process = process;
    }

    public string Host => $"unix://{Path.Combine(_directory, "docker.sock")}";

    public static async Task<FreshDockerEngine> StartAsync()
    {
        if (!Directory.Exists("/sys/class/net/docker0"))
            throw new InvalidOperationException("The toolchain's bridge docker0 is missing; restart the toolchain (container-toolchain stop && start).");
        // Short path: the socket path must stay under the unix socket length limit.
        var directory = Directory.CreateTempSubdirectory("fde-").FullName;
        var config = Path.Combine(directory, "daemon.json");
        File.WriteAllText(config, $$"""
            {
              "bridge": "docker0", "fixed-cidr": "198.18.0.128/25", "iptables": false, "ip6tables": false, "ip-masq": false,
              "data-root": "{{directory}}/data", "exec-root": "{{directory}}/exec",
              "pidfile": "{{directory}}/dockerd.pid", "hosts": ["unix://{{directory}}/docker.sock"],
              "features": {"containerd-snapshotter": true}
            }
            """);
        var dockerd = Path.Combine(Path.GetDirectoryName(ResolveOnToolchainPath("docker"))!, "dockerd");
        var info = new ProcessStartInfo(dockerd) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--config-file");
        info.ArgumentList.Add(config);
        info.Environment["PATH"] = ToolchainEnvironment.Get("PATH");
        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var engine = new FreshDockerEngine(directory, process);
        for (var attempt = 0; attempt < 120; attempt++)
        {
            var ping = await ProcessRunner.RunAsync("docker", ["version", "--format", "{{.Server.Version}}"], environment: engine.Environment);
            if (ping.Succeeded) return engine;
            if (process.HasExited) break;
            await Task.Delay(500);
        }
        await engine.DisposeAsync();
        throw new InvalidOperationException($"A second dockerd ({dockerd}) did not start; it needs root and the toolchain's binaries.");
    }

    /// <summary>Environment that points docker and buildx at this engine.</summary>
    public Dictionary<string, string?> Environment => new() { ["DOCKER_HOST"] = Host };

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM (Process.Kill is SIGKILL, which would orphan the engine's containerd and its mounts).
            await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString()]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await _process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        }
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        if (!Directory.Exists("/sys/class/net/docker0"))
            throw new InvalidOperationException("The second dockerd removed the shared bridge docker0; every build with a RUN step now fails: restart the toolchain.");
    }

    static string ResolveOnToolchainPath(string tool) =>
        (ToolchainEnvironment.Get("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{tool} is not on the toolchain's PATH");
}
