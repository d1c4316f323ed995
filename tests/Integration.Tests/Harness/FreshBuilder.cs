using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Integration.Tests.Harness;

/// <summary>
/// A genuinely fresh builder: a private dockerd (the toolchain's binaries) with its own data root, so its BuildKit
/// cache is empty, and its own bridge on 198.19.&lt;n&gt;.0/24 (the RFC 2544 test range the toolchain also uses; never
/// routed) so it never touches the shared daemon's docker0 (and never `"bridge": "none"`: a dockerd without a bridge
/// deletes the host's docker0, breaking every build on the shared engine). Use it to show that a build on a new runner reuses the
/// registry cache. Children reach it through <see cref="Environment"/> (DOCKER_HOST): buildx's `--builder` cannot
/// name it, because buildx refuses another docker context as a builder ("use `docker --context=X buildx`") and
/// `docker buildx create` cannot make docker-driver builders. Needs root, as the toolchain does.
/// (The docker-container driver is not an option: it needs the moby/buildkit image, which cannot be pulled.)
/// </summary>
public sealed class FreshBuilder : IDisposable
{
    readonly Process _daemon;
    readonly string _bridge;
    readonly string _directory;
    readonly ITestOutputHelper? _output;

    FreshBuilder(Process daemon, string bridge, string directory, ITestOutputHelper? output)
    {
        (_daemon, _bridge, _directory, _output) = (daemon, bridge, directory, output);
    }

    public string Host => $"unix://{_directory}/docker.sock";

    /// <summary>Environment for a child process so that docker/buildx talk to this daemon.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?> { ["DOCKER_HOST"] = Host };

    public static async Task<FreshBuilder> StartAsync(ITestOutputHelper? output = null)
    {
        var id = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..8];
        var directory = Path.Combine(Path.GetTempPath(), "it-fresh-" + id);
        Directory.CreateDirectory(directory);
        var bridge = "itfb" + id[..6];
        var subnet = await CreateBridgeAsync(bridge);
        var config = new JsonObject
        {
            ["data-root"] = Path.Combine(directory, "data"), ["exec-root"] = Path.Combine(directory, "exec"),
            ["pidfile"] = Path.Combine(directory, "dockerd.pid"), ["hosts"] = new JsonArray($"unix://{directory}/docker.sock"),
            ["bridge"] = bridge, ["iptables"] = false, ["ip6tables"] = false, ["ip-masq"] = false,
            ["default-address-pools"] = new JsonArray(new JsonObject { ["base"] = $"198.19.{subnet}.0/24", ["size"] = 24 }),
            ["features"] = new JsonObject { ["containerd-snapshotter"] = true },
        };
        File.WriteAllText(Path.Combine(directory, "daemon.json"), config.ToJsonString());
        var daemon = StartDaemon(directory);
        var builder = new FreshBuilder(daemon, bridge, directory, output);
        try
        {
            await builder.WaitUntilReadyAsync();
            output?.WriteLine($"fresh builder: dockerd at {builder.Host}, bridge {bridge} 198.19.{subnet}.1/24");
            return builder;
        }
        catch
        {
            builder.Dispose();
            throw;
        }
    }

    static Process StartDaemon(string directory)
    {
        var dockerd = ProcessRunner.FindExecutable("dockerd", ToolchainEnvironment.Get("PATH"))
            ?? throw new InvalidOperationException("dockerd is not on the toolchain's PATH; run ../shared/tools/container-toolchain install");
        var info = new ProcessStartInfo(dockerd) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--config-file");
        info.ArgumentList.Add(Path.Combine(directory, "daemon.json"));
        foreach (var (name, value) in ToolchainEnvironment.Variables) info.Environment[name] = value;
        var log = new StreamWriter(Path.Combine(directory, "dockerd.log")) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Exited += (_, _) => { lock (log) log.Dispose(); };
        process.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A bridge on a free 198.19.n.0/24; allocation is serialized across test processes by a lock file.</summary>
    static async Task<int> CreateBridgeAsync(string bridge)
    {
        using var lockFile = await AcquireLockAsync(Path.Combine(Path.GetTempPath(), "it-fresh-builders.lock"));
        var addresses = await ProcessRunner.RunAsync("ip", ["-o", "-4", "addr", "show"]);
        var subnet = Enumerable.Range(1, 250).FirstOrDefault(n => !addresses.StandardOutput.Contains($" 198.19.{n}."));
        if (subnet == 0) throw new InvalidOperationException("no free 198.19.n.0/24 for a fresh builder's bridge");
        foreach (var arguments in new[]
                 {
                     new[] { "link", "add", bridge, "type", "bridge" }, ["addr", "add", $"198.19.{subnet}.1/24", "dev", bridge],
                     ["link", "set", bridge, "up"],
                 })
        {
            var result = await ProcessRunner.RunAsync("ip", arguments);
            if (!result.Succeeded)
                throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed: {result.StandardError.Trim()} (a fresh builder needs root)");
        }
        return subnet;
    }

    static async Task<FileStream> AcquireLockAsync(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (attempt < 200) { await Task.Delay(50); }
        }
    }

    async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_daemon.HasExited)
                throw new InvalidOperationException($"the fresh builder's dockerd exited ({_daemon.ExitCode}); see {_directory}/dockerd.log");
            if ((await ProcessRunner.RunAsync("docker", ["info", "--format", "{{.ServerVersion}}"], environment: Environment,
                    timeout: TimeSpan.FromSeconds(10))).Succeeded) return;
            await Task.Delay(250);
        }
        throw new TimeoutException($"the fresh builder's dockerd did not answer within 60 s; see {_directory}/dockerd.log");
    }

    /// <summary>Stops the private dockerd (and the containerd it started), removes its bridge, mounts and files.</summary>
    public void Dispose()
    {
        if (!_daemon.HasExited) // SIGTERM, so dockerd stops the containerd it started (Process.Kill is SIGKILL)
            ProcessRunner.RunAsync("kill", ["-TERM", _daemon.Id.ToString()]).GetAwaiter().GetResult();
        if (!_daemon.WaitForExit(30_000)) _daemon.Kill(entireProcessTree: true);
        ProcessRunner.RunAsync("ip", ["link", "delete", _bridge]).GetAwaiter().GetResult();
        // dockerd leaves its data root bind-mounted onto itself; unmount what is ours, deepest first
        foreach (var mountPoint in MountsUnder(_directory).OrderByDescending(m => m.Length))
            ProcessRunner.RunAsync("umount", [mountPoint]).GetAwaiter().GetResult();
        var stillMounted = MountsUnder(_directory).Any();
        if (!stillMounted && System.Environment.GetEnvironmentVariable("KEEP_TEST_ARTIFACTS") != "1")
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        else if (stillMounted) _output?.WriteLine($"fresh builder left {_directory}: mounts remain under it");
        _daemon.Dispose();
    }

    static IEnumerable<string> MountsUnder(string directory) =>
        File.ReadAllLines("/proc/mounts").Select(line => line.Split(' ')[1])
            .Where(mountPoint => mountPoint == directory || mountPoint.StartsWith(directory + "/", StringComparison.Ordinal)).ToList();
}
