using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace BuildTests.Bake;

/// <summary>
/// renovate.json's custom regex manager finds exactly the pin UpdateBasePin moves. Renovate evaluates matchStrings with
/// RE2 (no lookaround, no backreferences) and named groups depName, currentValue and currentDigest; the pattern is run
/// here with .NET's engine, which reads that subset the same way.
/// </summary>
public class RenovateConfigTests
{
    static readonly JsonNode Config = JsonNode.Parse(RepositoryFiles.Read("renovate.json"))!;
    static JsonNode Manager => Config["customManagers"]!.AsArray().Single()!;

    [Fact]
    public void The_regex_manager_matches_the_one_pin_in_the_Dockerfile_as_UpdateBasePin_reads_it()
    {
        Assert.Equal("regex", Manager["customType"]!.GetValue<string>());
        Assert.Equal("docker", Manager["datasourceTemplate"]!.GetValue<string>());
        var filePattern = Manager["managerFilePatterns"]!.AsArray().Single()!.GetValue<string>();
        Assert.Matches(@"^/.+/$", filePattern); // a regex, as Renovate's managerFilePatterns spells one
        Assert.Matches(filePattern.Trim('/'), "devcontainer/Dockerfile");
        Assert.DoesNotMatch(filePattern.Trim('/'), "tests/fixture/Dockerfile");

        var pattern = Manager["matchStrings"]!.AsArray().Single()!.GetValue<string>();
        Assert.DoesNotMatch(@"\(\?[=!<][=!]?|\\[1-9]", pattern.Replace("(?<depName>", "").Replace("(?<currentValue>", "").Replace("(?<currentDigest>", ""));
        var dockerfile = RepositoryFiles.Read("devcontainer/Dockerfile");
        var match = Assert.Single(Regex.Matches(dockerfile, pattern));
        var pin = Assert.Single(BasePins.Find(dockerfile));
        Assert.Equal((pin.Repository, pin.Tag, pin.Digest),
            (match.Groups["depName"].Value, match.Groups["currentValue"].Value, match.Groups["currentDigest"].Value));
    }

    [Theory]
    [InlineData("ARG BASE_IMAGE=127.0.0.1:5000/base/ubuntu:24.04@sha256:", "127.0.0.1:5000/base/ubuntu", "24.04")]
    [InlineData("ARG BASE_IMAGE=ubuntu:24.04@sha256:", "ubuntu", "24.04")]
    [InlineData("ARG BASE_IMAGE=ghcr.io/acme/base:noble-20260101@sha256:", "ghcr.io/acme/base", "noble-20260101")]
    public void The_regex_reads_registries_with_ports_and_short_names(string line, string depName, string tag)
    {
        var match = Regex.Match(line + new string('c', 64), Manager["matchStrings"]![0]!.GetValue<string>());
        Assert.Equal((depName, tag), (match.Groups["depName"].Value, match.Groups["currentValue"].Value));
    }

    [Fact]
    public void Only_the_digest_moves_and_only_the_custom_manager_proposes_it()
    {
        var rules = Config["packageRules"]!.AsArray().Select(r => r!).ToList();
        var dockerfileManager = Assert.Single(rules, r => r["matchManagers"]!.AsArray().Any(m => m!.GetValue<string>() == "dockerfile"));
        Assert.False(dockerfileManager["enabled"]!.GetValue<bool>());
        var versions = Assert.Single(rules, r => r["matchUpdateTypes"] is not null);
        Assert.Equal(["major", "minor", "patch"], versions["matchUpdateTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.False(versions["enabled"]!.GetValue<bool>());
        Assert.All(rules, r => Assert.Equal(["devcontainer/Dockerfile"], r["matchFileNames"]!.AsArray().Select(f => f!.GetValue<string>())));
    }
}
