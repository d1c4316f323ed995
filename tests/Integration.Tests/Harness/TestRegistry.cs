namespace Integration.Tests.Harness;

/// <summary>
/// A registry namespace of one test (127.0.0.1:5000/it-&lt;random&gt;): tests run in parallel and never see each other's
/// tags. Pass <see cref="Prefix"/> as the pipeline's --registry; images land at <see cref="Repository"/>.
/// </summary>
public sealed class TestRegistry : IDisposable
{
    public TestRegistry()
    {
        Address = ToolchainEnvironment.RegistryAddress;
        Namespace = "it-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..12];
        Client = new RegistryHttp(Address);
    }

    public string Address { get; }

    /// <summary>it-&lt;12 hex&gt;, unique per test.</summary>
    public string Namespace { get; }

    /// <summary>&lt;address&gt;/&lt;namespace&gt;, e.g. 127.0.0.1:5000/it-0a1b2c3d4e5f.</summary>
    public string Prefix => $"{Address}/{Namespace}";

    /// <summary>Full repository reference without tag, e.g. 127.0.0.1:5000/it-0a1b2c3d4e5f/devcontainer.</summary>
    public string Repository(string name = "devcontainer") => $"{Prefix}/{name}";

    /// <summary>Repository path as the HTTP API wants it (no host).</summary>
    public string RepositoryPath(string name = "devcontainer") => $"{Namespace}/{name}";

    public RegistryHttp Client { get; }

    public void Dispose() => Client.Dispose();
}
