using System.Diagnostics;
using System.Net;
using System.Net.Http;
using Integration.Tests.Harness;

namespace Integration.Tests.Rehearsal;

/// <summary>
/// A second registry that requires credentials: the distribution registry the toolchain's Debian package installs
/// (/usr/bin/docker-registry), on a free loopback port with an htpasswd file of two users (bcrypt from python3's
/// crypt), a reader and a writer; in front of it a <see cref="TokenScopeProxy"/> turns job tokens into those users
/// and enforces `packages: read`. Workflows see only the proxy's address (loopback: plain HTTP for every tool).
/// </summary>
public sealed class CredentialedRegistry : IAsyncDisposable
{
    public const string Executable = "/usr/bin/docker-registry";

    readonly Process process;
    readonly string directory;

    CredentialedRegistry(Process process, string directory, int backendPort, TokenScopeProxy proxy)
    {
        this.process = process;
        this.directory = directory;
        BackendPort = backendPort;
        Proxy = proxy;
    }

    public TokenScopeProxy Proxy { get; }
    public int BackendPort { get; }

    /// <summary>The address workflows use, e.g. 127.0.0.1:41234 (the proxy).</summary>
    public string Address => $"127.0.0.1:{Proxy.Port}";

    public static async Task<CredentialedRegistry> StartAsync(string directory)
    {
        if (!File.Exists(Executable)) throw new InvalidOperationException($"{Executable} is missing: the rehearsal needs the distribution registry (Debian package docker-registry).");
        Directory.CreateDirectory(directory);
        var reader = ("rehearsal-reader", Secret());
        var writer = ("rehearsal-writer", Secret());
        await File.WriteAllLinesAsync(Path.Combine(directory, "htpasswd"), [await HtpasswdLineAsync(reader), await HtpasswdLineAsync(writer)]);
        var port = LoopbackPort.Free();
        var config = Path.Combine(directory, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {Path.Combine(directory, "data")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            auth:
              htpasswd:
                realm: rehearsal
                path: {Path.Combine(directory, "htpasswd")}
            """);
        var info = new ProcessStartInfo(Executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        var process = Process.Start(info)!;
        var log = Path.Combine(directory, "registry.log");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (info) File.AppendAllText(log, e.Data + "\n"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (info) File.AppendAllText(log, e.Data + "\n"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilAnswersAsync(port, process);
        var proxy = new TokenScopeProxy(new IPEndPoint(IPAddress.Loopback, port), reader, writer);
        return new CredentialedRegistry(process, directory, port, proxy);
    }

    static string Secret() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    /// <summary>user:bcrypt-hash (cost 4: these are throwaway users; the registry checks the hash on every request).</summary>
    static async Task<string> HtpasswdLineAsync((string User, string Password) user)
    {
        var result = await ProcessRunner.RunAsync("python3", ["-W", "ignore", "-c",
            "import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))", user.Password]);
        var hash = result.StandardOutput.Trim();
        if (!result.Succeeded || !hash.StartsWith("$2")) throw new InvalidOperationException("python3 crypt could not make a bcrypt hash: " + result.Output);
        return $"{user.User}:{hash}";
    }

    static async Task WaitUntilAnswersAsync(int port, Process process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (process.HasExited) throw new InvalidOperationException($"{Executable} exited with {process.ExitCode}");
            try
            {
                var response = await http.GetAsync($"http://127.0.0.1:{port}/v2/");
                if (response.StatusCode == HttpStatusCode.Unauthorized) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"{Executable} did not answer on 127.0.0.1:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
        if (System.Environment.GetEnvironmentVariable("KEEP_TEST_ARTIFACTS") != "1")
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
