using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Integration.Tests.Rehearsal;

public class TokenScopeProxyTests
{
    [Fact]
    public async Task Requests_are_recorded_in_the_order_they_arrived_even_when_an_earlier_answer_finishes_last()
    {
        // A backend that holds its answer to /first until /second has been answered: the 401 challenge whose retry
        // (sent after the client read the 401) is recorded before the challenge's own handler gets round to it.
        using var backend = new TcpListener(IPAddress.Loopback, 0);
        backend.Start();
        var firstArrived = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        var serving = ServeAsync(backend, firstArrived, releaseFirst.Task);
        await using var proxy = new TokenScopeProxy((IPEndPoint)backend.LocalEndpoint, ("reader", "r"), ("writer", "w"));

        var first = SendAsync(proxy.Port, "HEAD", "/first");
        await firstArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(200, await SendAsync(proxy.Port, "HEAD", "/second"));
        await WaitUntilAsync(() => proxy.Requests.Count == 1);
        releaseFirst.SetResult();
        Assert.Equal(401, await first);
        await WaitUntilAsync(() => proxy.Requests.Count == 2);

        Assert.Equal([("/first", 401), ("/second", 200)], proxy.Requests.Select(r => (r.Path, r.Status)));
        Assert.Equal(2, proxy.Arrivals);
        backend.Stop();
        await serving;
    }

    static async Task ServeAsync(TcpListener backend, TaskCompletionSource firstArrived, Task releaseFirst)
    {
        var answers = new List<Task>();
        for (var i = 0; i < 2; i++)
        {
            var client = await backend.AcceptTcpClientAsync();
            answers.Add(Task.Run(async () =>
            {
                using var _ = client;
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                var isFirst = head.Contains(" /first ");
                if (isFirst)
                {
                    firstArrived.SetResult();
                    await releaseFirst;
                }
                var status = isFirst ? "401 Unauthorized" : "200 OK";
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            }));
        }
        await Task.WhenAll(answers);
    }

    static async Task<int> SendAsync(int port, string method, string path)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        var response = await new StreamReader(stream).ReadToEndAsync();
        return int.Parse(response.Split(' ')[1]);
    }

    static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[1024];
        while (!text.ToString().Contains("\r\n\r\n"))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0) break;
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return text.ToString();
    }

    static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(25);
        Assert.True(condition());
    }
}
