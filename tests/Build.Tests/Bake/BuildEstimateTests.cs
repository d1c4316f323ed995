using Xunit;

namespace BuildTests.Bake;

/// <summary>Issue 22, case 4: --plan says how long the selected permutations take before anything starts.</summary>
public class BuildEstimateTests
{
    [Fact]
    public void Packages_take_minutes_natively_and_p2996_hours_more_so_under_emulation()
    {
        Assert.Equal("5–10 min", BuildEstimate.For(Permutation.Gcc14Clang20, "linux/amd64", "linux/amd64").Range);
        Assert.Equal("20–40 min", BuildEstimate.For(Permutation.Gcc14Clang20, "linux/arm64", "linux/amd64").Range);
        Assert.Equal("1–5 h", BuildEstimate.For(Permutation.Gcc14ClangP2996, "linux/amd64", "linux/amd64").Range);
        var emulated = BuildEstimate.For(Permutation.Gcc15ClangP2996, "linux/arm64", "linux/amd64");
        Assert.True(emulated.Low >= TimeSpan.FromHours(10), emulated.Range);
        Assert.Contains("LLVM p2996 compiled under QEMU", emulated.Why);
        // Native is native on either architecture.
        Assert.Equal("5–10 min", BuildEstimate.For(Permutation.Gcc14Clang20, "linux/arm64", "linux/arm64").Range);
    }

    [Fact]
    public void The_plan_lists_each_permutation_and_platform_then_the_whole_bake_compiling_the_fork_once_per_platform()
    {
        var lines = BuildEstimate.Describe([(Permutation.Gcc14Clang20, ["linux/amd64"]), (Permutation.Gcc14ClangP2996, ["linux/amd64"]),
            (Permutation.Gcc15ClangP2996, ["linux/amd64"])], "linux/amd64");
        Assert.Equal([
            "expected build time (first build, empty cache; unchanged inputs are reused, a warm cache builds only what changed):",
            "  gcc14-clang20     linux/amd64 (native)  5–10 min (packages)",
            "  gcc14-clangp2996  linux/amd64 (native)  1–5 h (packages, LLVM p2996 compiled from source)",
            "  gcc15-clangp2996  linux/amd64 (native)  1–5 h (packages, LLVM p2996 compiled from source)",
            // 3 × packages (15–30 min) + the fork once (1–4 h), not twice.
            "  in all: 1–5 h on this machine; the p2996 permutations (LLVM from source) dominate: --permutations and --platforms narrow the run",
        ], lines);
    }

    [Fact]
    public void Emulated_platforms_are_named_with_the_native_builder_way_out_and_a_short_run_says_no_more()
    {
        var emulated = BuildEstimate.Describe([(Permutation.Gcc14Clang20, ["linux/amd64", "linux/arm64"])], "linux/amd64");
        Assert.Equal("  gcc14-clang20  linux/arm64 (emulated)  20–40 min (packages under QEMU)", emulated[2]);
        Assert.Equal("  in all: 25–50 min on this machine", emulated[^1]);
        var all = BuildEstimate.Describe(Permutation.All.Select(p => (p, p.Platforms)).ToList(), "linux/amd64");
        Assert.EndsWith("dominate: --permutations and --platforms narrow the run, a native builder per platform (--builder) avoids emulation", all[^1]);
        Assert.Empty(BuildEstimate.Describe([], "linux/amd64"));
    }

    [Theory]
    [InlineData(5, 10, "5–10 min")]
    [InlineData(40, 120, "40 min–2 h")]
    [InlineData(60, 240, "1–4 h")]
    public void Ranges_read_in_minutes_below_an_hour_and_whole_hours_above(int lowMinutes, int highMinutes, string text) =>
        Assert.Equal(text, new Estimate(TimeSpan.FromMinutes(lowMinutes), TimeSpan.FromMinutes(highMinutes), "").Range);
}
