using System.Runtime.InteropServices;
using Xunit;

namespace BuildTests.Bake;

/// <summary>Issue 22, case 4: a local first try builds this machine's platform only; CI and Publish build every platform.</summary>
public class PlatformDefaultTests
{
    static readonly IReadOnlyList<Permutation> All = Permutation.All;

    [Fact]
    public void A_local_run_that_publishes_nothing_builds_the_machine_s_own_platform_and_says_how_to_build_them_all()
    {
        var choice = PlatformDefault.Decide([], isServerBuild: false, publishes: false, "linux/amd64", All);
        Assert.Equal(["linux/amd64"], choice.Platforms);
        Assert.True(choice.NarrowedToNative);
        Assert.Equal("platforms: linux/amd64 only, this machine's own (a local run that publishes nothing; CI and Publish build every platform of " +
                     "each permutation); to build them all, pass --platforms linux/amd64 linux/arm64", choice.Note);
    }

    [Theory]
    [InlineData(true, false)]  // CI
    [InlineData(false, true)]  // Publish planned
    [InlineData(true, true)]
    public void CI_and_Publish_keep_every_platform_of_each_permutation(bool isServerBuild, bool publishes)
    {
        var choice = PlatformDefault.Decide([], isServerBuild, publishes, "linux/amd64", All);
        Assert.Empty(choice.Platforms);
        Assert.Null(choice.Note);
    }

    [Fact]
    public void Given_platforms_are_built_as_given()
    {
        var given = PlatformDefault.Decide(["linux/arm64"], false, false, "linux/amd64", All);
        Assert.Equal(["linux/arm64"], given.Platforms);
        Assert.Null(given.Note);
        Assert.Equal(["linux/amd64", "linux/arm64"], PlatformDefault.Decide(["linux/amd64", "linux/arm64"], false, false, "linux/amd64", All).Platforms);
    }

    [Fact]
    public void Nothing_is_narrowed_when_a_permutation_is_not_built_for_this_machine_or_only_for_it()
    {
        var armOnly = new Permutation { Value = "arm-only-test", Gcc = "14", Clang = "20", Platforms = ["linux/arm64"] };
        foreach (var choice in new[]
                 {
                     PlatformDefault.Decide([], false, false, "linux/amd64", [Permutation.Gcc14Clang20, armOnly]),
                     PlatformDefault.Decide([], false, false, "linux/arm64", [armOnly]),
                     PlatformDefault.Decide([], false, false, null, All), // an architecture BuildKit has no platform for
                 })
        {
            Assert.Empty(choice.Platforms);
            Assert.Null(choice.Note);
        }
    }

    [Theory]
    [InlineData(Architecture.X64, "linux/amd64")]
    [InlineData(Architecture.Arm64, "linux/arm64")]
    [InlineData(Architecture.Wasm, null)]
    public void The_machine_s_platform_is_linux_on_its_architecture(Architecture architecture, string? platform) =>
        Assert.Equal(platform, PlatformDefault.Native(architecture));
}

/// <summary>A manifest built for this machine's platform alone is never published as if it were the whole image.</summary>
public class ManifestPlatformsTests
{
    static ManifestPermutation AmdOnly() => BuildTests.Publish.ManifestSamples.Entry() with { Platforms = [new PlatformDigest("linux/amd64", "sha256:" + new string('2', 64))] };

    [Fact]
    public void Publish_refuses_a_manifest_missing_a_platform_of_the_permutation_naming_both_ways_out() =>
        Assert.Equal(["Manifest artifacts/manifest.json holds gcc15-clang20 for linux/amd64, but Publish publishes it for linux/amd64, linux/arm64; " +
                      "build every platform first (./build.sh Publish, or Manifest --platforms linux/amd64 linux/arm64), or pass --platforms linux/amd64 to publish what it holds."],
            Pipeline.Rules.Preflight.ManifestPlatforms([AmdOnly()], [], "artifacts/manifest.json"));

    [Fact]
    public void Permutations_missing_the_same_platform_are_one_line() =>
        Assert.Equal(["Manifest m.json holds gcc15-clang20 and gcc14-clang20 for linux/amd64, but Publish publishes them for linux/amd64, linux/arm64; " +
                      "build every platform first (./build.sh Publish, or Manifest --platforms linux/amd64 linux/arm64), or pass --platforms linux/amd64 to publish what it holds."],
            Pipeline.Rules.Preflight.ManifestPlatforms([AmdOnly(), AmdOnly() with { Id = "gcc14-clang20" }, BuildTests.Publish.ManifestSamples.Entry("gcc15-clangp2996")], [], "m.json"));

    [Fact]
    public void A_whole_manifest_or_one_that_holds_exactly_the_given_platforms_publishes()
    {
        Assert.Empty(Pipeline.Rules.Preflight.ManifestPlatforms([BuildTests.Publish.ManifestSamples.Entry()], [], "m.json"));
        Assert.Empty(Pipeline.Rules.Preflight.ManifestPlatforms([AmdOnly()], ["linux/amd64"], "m.json"));
        Assert.Equal(["Manifest m.json holds gcc15-clang20 for linux/amd64, linux/arm64, but Publish publishes it for linux/arm64 (--platforms); " +
                      "build every platform first (./build.sh Publish, or Manifest --platforms linux/arm64), or pass --platforms linux/amd64 linux/arm64 to publish what it holds."],
            Pipeline.Rules.Preflight.ManifestPlatforms([BuildTests.Publish.ManifestSamples.Entry()], ["linux/arm64"], "m.json"));
    }
}
