using Integration.Tests.Harness;
using Xunit;

namespace Integration.Tests.HarnessTests;

public sealed class LoopbackOnlyTests
{
    // cosign's own words when keyless verification refreshes Sigstore's trust root (seen in a local Bake's log).
    const string CosignTufLine = "attempt 2/4 in 1s after a network error: error during command execution: getting ctlog public keys: "
        + "updating local metadata and targets: error updating to TUF remote mirror: tuf: failed to download 13.root.json: "
        + "Get \"https://tuf-repo-cdn.sigstore.dev/13.root.json\": dial tcp: lookup tuf-repo-cdn.sigstore.dev on 10.255.255.53:53: no such host";

    [Fact]
    public void A_lookup_of_another_host_names_it_once_and_fails_the_run()
    {
        var output = CosignTufLine + "\n" + CosignTufLine + "\n";
        Assert.Equal(["tuf-repo-cdn.sigstore.dev"], LoopbackOnly.HostsTried(output));
        var error = Assert.Throws<InvalidOperationException>(() => LoopbackOnly.Check(output, "The build"));
        Assert.StartsWith("The build tried to reach tuf-repo-cdn.sigstore.dev:", error.Message);
    }

    [Fact]
    public void Loopback_traffic_and_a_refused_loopback_port_pass()
    {
        var output = "pushing manifest for 127.0.0.1:5000/it/devcontainer@sha256:ab\n"
            + "Get \"http://127.0.0.1:5999/v2/\": dial tcp 127.0.0.1:5999: connect: connection refused\n"
            + "Verifying https://github.com/acme/devcontainer-pipeline/.github/workflows/build-devcontainer.yml@refs/heads/main\n";
        Assert.Empty(LoopbackOnly.HostsTried(output));
        LoopbackOnly.Check(output, "The build");
    }
}
