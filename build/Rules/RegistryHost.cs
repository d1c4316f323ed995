namespace Pipeline.Rules;

/// <summary>Facts about a registry host taken from an image reference.</summary>
public static class RegistryHost
{
    /// <summary>The host[:port] part of a reference such as <c>127.0.0.1:5000/team/devcontainer</c>.</summary>
    public static string Of(string reference) => reference.Split('/')[0];

    /// <summary>Loopback registries (127.0.0.0/8, localhost, [::1]) speak plain HTTP, as Docker assumes.</summary>
    public static bool IsLoopback(string reference)
    {
        var host = Of(reference);
        if (host.StartsWith("[::1]", StringComparison.Ordinal)) return true;
        host = host.Split(':')[0];
        return host == "localhost" || host.StartsWith("127.", StringComparison.Ordinal);
    }
}
