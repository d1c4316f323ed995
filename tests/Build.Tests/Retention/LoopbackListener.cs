using System.Net;
using System.Net.Sockets;

namespace BuildTests.Retention;

/// <summary>An HttpListener on a free loopback port.</summary>
internal static class LoopbackListener
{
    /// <summary>
    /// A port found free can be taken by another process before the listener binds it (tests of other projects run
    /// beside these), so a refused bind is tried again on another free port, a few times. A listener whose Start
    /// failed is disposed by it, so each attempt has its own.
    /// </summary>
    public static (HttpListener Listener, int Port) Start(int attempts = 5)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < attempts)
            {
            }
        }
    }

    static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
