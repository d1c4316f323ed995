using System.Net;
using System.Net.Sockets;

namespace Integration.Tests.Harness;

/// <summary>Loopback ports for a test's own listener, or for a registry address nobody serves.</summary>
public static class LoopbackPort
{
    /// <summary>A loopback port with no listener: bound, read and released (nothing else binds it in the instant between).</summary>
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
