using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Integration.Tests.Rehearsal;

/// <summary>
/// One registry request as the proxy saw it: which job's token, what, the answer, and when it arrived (the proxy's
/// count of requests so far), which orders requests by when they were sent, not by when their answers finished.
/// </summary>
public sealed record RegistryRequest(string? Job, string Method, string Path, int Status, long Arrival = 0);

/// <summary>
/// What GHCR does with a job's GITHUB_TOKEN, in front of a registry whose htpasswd has no per-user scopes: a loopback
/// proxy that takes Basic credentials with any user name and a job token as password (as GHCR does), refuses writes
/// (anything but GET/HEAD) with 403 DENIED when the token has only `packages: read`, and forwards everything else with
/// the registry's own reader or writer credentials in place of the token (so the registry still authenticates every
/// request; an unknown token or none reaches it as it came and gets its 401). Every request is recorded per job.
/// Each request travels on its own connection (`Connection: close`), so the proxy never has to find message ends.
/// </summary>
public sealed class TokenScopeProxy : IAsyncDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly IPEndPoint backend;
    readonly (string User, string Password) reader, writer;
    readonly ConcurrentDictionary<string, (string Job, bool Write)> tokens = new();
    readonly ConcurrentQueue<RegistryRequest> requests = new();
    readonly CancellationTokenSource stopping = new();
    readonly Task accepting;
    long arrivals;

    public TokenScopeProxy(IPEndPoint backend, (string User, string Password) reader, (string User, string Password) writer)
    {
        this.backend = backend;
        this.reader = reader;
        this.writer = writer;
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>
    /// Every answered request in the order the requests arrived. Handlers record a request when its answer is through,
    /// and on a busy machine a 401 can be recorded after the retry it provoked, so the record is sorted by arrival.
    /// </summary>
    public IReadOnlyList<RegistryRequest> Requests => requests.OrderBy(r => r.Arrival).ToList();

    /// <summary>How many requests have arrived so far: a request with a greater <see cref="RegistryRequest.Arrival"/> came later.</summary>
    public long Arrivals => Interlocked.Read(ref arrivals);

    /// <summary>A new token for one job: `packages: write` when <paramref name="write"/>, else `packages: read`.</summary>
    public string IssueToken(string job, bool write)
    {
        var token = "ghs_rehearsal_" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        tokens[token] = (job, write);
        return token;
    }

    async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stopping.Token); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    async Task HandleAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var (head, rest) = await ReadHeadAsync(stream);
            if (head is null)
            {
                // Not HTTP: a TLS handshake (clients try HTTPS first on an insecure registry). The registry answers it
                // as it would ("HTTP response to HTTPS client"), which is what makes them fall back to plain HTTP.
                if (rest.Length > 0) await PipeAsync(rest, stream);
                return;
            }
            var lines = head.Split("\r\n").ToList();
            var requestLine = lines[0].Split(' ');
            var (method, path) = (requestLine[0], requestLine.Length > 1 ? requestLine[1] : "");
            var arrival = Interlocked.Increment(ref arrivals);
            string? job = null;
            var authorization = lines.FindIndex(l => l.StartsWith("Authorization: Basic ", StringComparison.OrdinalIgnoreCase));
            if (authorization > 0 && Password(lines[authorization]["Authorization: Basic ".Length..]) is { } token && tokens.TryGetValue(token, out var scope))
            {
                job = scope.Job;
                if (!scope.Write && method is not ("GET" or "HEAD"))
                {
                    requests.Enqueue(new RegistryRequest(job, method, path, 403, arrival));
                    await DenyAsync(stream);
                    return;
                }
                var (user, password) = scope.Write ? writer : reader;
                lines[authorization] = "Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
            }
            lines.RemoveAll(l => l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase) || l.StartsWith("Keep-Alive:", StringComparison.OrdinalIgnoreCase)
                || l.StartsWith("Proxy-Connection:", StringComparison.OrdinalIgnoreCase));
            lines.Insert(1, "Connection: close");

            using var upstream = new TcpClient();
            await upstream.ConnectAsync(backend);
            var registry = upstream.GetStream();
            await registry.WriteAsync(Encoding.ASCII.GetBytes(string.Join("\r\n", lines) + "\r\n\r\n"));
            await registry.WriteAsync(rest);
            var toRegistry = stream.CopyToAsync(registry);
            var status = await CopyResponseAsync(registry, stream);
            requests.Enqueue(new RegistryRequest(job, method, path, status, arrival));
            upstream.Client.Shutdown(SocketShutdown.Both);
            await Task.WhenAny(toRegistry, Task.Delay(100));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException) { }
    }

    async Task PipeAsync(byte[] first, Stream stream)
    {
        using var upstream = new TcpClient();
        await upstream.ConnectAsync(backend);
        var registry = upstream.GetStream();
        await registry.WriteAsync(first);
        var toRegistry = stream.CopyToAsync(registry);
        await registry.CopyToAsync(stream);
        await Task.WhenAny(toRegistry, Task.Delay(100));
    }

    static string? Password(string base64)
    {
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim()));
            var colon = pair.IndexOf(':');
            return colon < 0 ? null : pair[(colon + 1)..];
        }
        catch (FormatException) { return null; }
    }

    static async Task<int> CopyResponseAsync(Stream from, Stream to)
    {
        var buffer = new byte[81920];
        var status = 0;
        int read;
        while ((read = await from.ReadAsync(buffer)) > 0)
        {
            if (status == 0 && read >= 12 && int.TryParse(Encoding.ASCII.GetString(buffer, 9, 3), out var code)) status = code;
            await to.WriteAsync(buffer.AsMemory(0, read));
        }
        return status;
    }

    static async Task DenyAsync(Stream stream)
    {
        const string body = "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"permission_denied: the job token has packages: read, not write\"}]}";
        var response = $"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
    }

    /// <summary>The request head (up to the blank line) as text, and whatever body bytes came with it; no head and the bytes read for a TLS handshake.</summary>
    static async Task<(string? Head, byte[] Body)> ReadHeadAsync(Stream stream)
    {
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        while (buffer.Count < 65536)
        {
            var read = await stream.ReadAsync(chunk);
            if (read == 0) return (null, []);
            buffer.AddRange(chunk.AsSpan(0, read));
            var bytes = buffer.ToArray();
            if (bytes[0] == 0x16) return (null, bytes); // a TLS record, not a request line
            var end = IndexOfBlankLine(bytes);
            if (end >= 0) return (Encoding.ASCII.GetString(bytes, 0, end), bytes[(end + 4)..]);
        }
        return (null, []);
    }

    static int IndexOfBlankLine(byte[] bytes)
    {
        for (var i = 0; i + 3 < bytes.Length; i++)
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') return i;
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        stopping.Cancel();
        listener.Stop();
        try { await accepting; } catch (OperationCanceledException) { }
    }
}
