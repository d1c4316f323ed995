using System.Net;
using System.Net.Sockets;

namespace Tests.Shared;

/// <summary>
/// An HttpListener on 127.0.0.1 at a free port. A free port found by probing can be taken by a parallel test before the
/// listener binds it ("Address already in use"), so binding is retried with another port.
/// </summary>
public static class LoopbackHttpListener
{
    public static (HttpListener Listener, int Port) Start()
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
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
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
