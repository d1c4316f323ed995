using System.Text.RegularExpressions;

namespace Integration.Tests.Harness;

/// <summary>
/// Tests may reach loopback and the toolchain's bridge only. A Go tool (cosign, buildx, skopeo) that tried another
/// host leaves "dial tcp: lookup &lt;host&gt;" in the build's output: the DNS query alone already left the machine, so a
/// run that shows one fails its test, naming the host, even when the build itself coped with the failure.
/// </summary>
public static partial class LoopbackOnly
{
    [GeneratedRegex(@"dial tcp: lookup (?<host>[^\s:]+)")]
    private static partial Regex HostLookup();

    /// <summary>The hosts beyond loopback the output shows a tool trying to reach, each once.</summary>
    public static IReadOnlyList<string> HostsTried(string output) =>
        HostLookup().Matches(output).Select(m => m.Groups["host"].Value).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Throws when the output shows an attempt to reach a host beyond loopback.</summary>
    public static void Check(string output, string what)
    {
        var hosts = HostsTried(output);
        if (hosts.Count > 0)
            throw new InvalidOperationException(
                $"{what} tried to reach {string.Join(", ", hosts)}: tests must stay on loopback (give it the key or settings that keep it offline).");
    }
}
