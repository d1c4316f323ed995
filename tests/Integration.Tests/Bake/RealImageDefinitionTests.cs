using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Bake;

/// <summary>
/// Every permutation's definition, read by buildx without pulling anything: bake resolves docker-bake.hcl, and the
/// Dockerfile frontend parses devcontainer/Dockerfile. (Only gcc14-clang20 can be built here: RealImage/.)
/// </summary>
public sealed class RealImageDefinitionTests(ITestOutputHelper output) : IntegrationTest(output)
{
    [IntegrationFact]
    public async Task Buildx_resolves_every_permutation_of_the_real_bake_file_with_its_toolchain_arguments()
    {
        var print = await RunToolAsync("docker", ["buildx", "bake", "-f", "docker-bake.hcl", "--print",
            .. Permutation.All.SelectMany(p => new[] { p.BakeTarget, p.ValidateBakeTarget })]);
        Assert.True(print.Succeeded, print.Output);
        var targets = JsonNode.Parse(print.StandardOutput)!["target"]!;
        foreach (var p in Permutation.All)
        {
            var image = targets[p.BakeTarget]!;
            Assert.Equal("image", image["target"]!.GetValue<string>());
            Assert.Equal("devcontainer", image["context"]!.GetValue<string>());
            Assert.Equal(p.Gcc, image["args"]!["GCC_VERSION"]!.GetValue<string>());
            Assert.Equal(p.Clang, image["args"]!["CLANG_VERSION"]!.GetValue<string>());
            // Unset, BASE_IMAGE is left out, so the Dockerfile's digest pin (the one place) applies.
            Assert.False(image["args"]!.AsObject().ContainsKey("BASE_IMAGE"), $"{p.BakeTarget} overrides the Dockerfile's pinned base");
            var validate = targets[p.ValidateBakeTarget]!;
            Assert.Equal("validate", validate["target"]!.GetValue<string>());
            Assert.Equal(["type=cacheonly"], validate["output"]!.AsArray().Select(o => o!.GetValue<string>()));
        }
        Assert.Single(BasePins.Find(File.ReadAllText(Path.Combine(RepoPaths.Root, "devcontainer", "Dockerfile"))));

        // BASE_IMAGE=<image> in the environment (README: the real build here) still replaces the base, for every target.
        var overridden = await RunToolAsync("docker", ["buildx", "bake", "-f", "docker-bake.hcl", "--print", .. Permutation.All.Select(p => p.BakeTarget)],
            environment: new Dictionary<string, string?> { ["BASE_IMAGE"] = "127.0.0.1:5000/base/ubuntu:24.04" });
        Assert.True(overridden.Succeeded, overridden.Output);
        var overriddenTargets = JsonNode.Parse(overridden.StandardOutput)!["target"]!;
        Assert.All(Permutation.All, p => Assert.Equal("127.0.0.1:5000/base/ubuntu:24.04", overriddenTargets[p.BakeTarget]!["args"]!["BASE_IMAGE"]!.GetValue<string>()));
    }

    [IntegrationFact]
    public async Task The_Dockerfile_frontend_parses_the_real_Dockerfile_and_finds_every_stage()
    {
        var targets = await RunToolAsync("docker", ["buildx", "build", "--print=targets", "devcontainer"],
            environment: new Dictionary<string, string?> { ["BUILDX_EXPERIMENTAL"] = "1" });
        Assert.True(targets.Succeeded, targets.Output);
        var stages = targets.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ToList();
        Assert.Equal(["base", "clang-p2996-build", "clang-p2996", "clang-packages", "clang-dist", "image", "validate"], stages);
    }
}
