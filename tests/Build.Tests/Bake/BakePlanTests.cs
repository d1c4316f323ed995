using Tests.Shared;
using Xunit;

namespace BuildTests.Bake;

public class BakePlanTests
{
    static readonly ResolvedImage Busybox = new("127.0.0.1:5000/base/busybox:latest", "sha256:" + new string('b', 64), [], "FROM");
    static readonly IReadOnlyDictionary<string, BuildImages> Bases = Permutation.All.ToDictionary(p => p.Id, _ => new BuildImages(Busybox.AsBase(), [Busybox]));

    static BakePlan Plan(BuildContext context, IReadOnlyList<string>? platforms = null) => BakePlanner.Plan(
        context, [Permutation.Gcc14Clang20, Permutation.Gcc15ClangP2996], platforms, "127.0.0.1:5000/t1/devcontainer", "devcontainer",
        CacheMode.Registry, Bases, "/artifacts/images", "/cache");

    [Fact]
    public void Default_branch_override_file() => Golden.Match("bake-override-main.json", BakeOverride.Render(Plan(Contexts.Main)));

    [Fact]
    public void Pull_request_override_file() => Golden.Match("bake-override-pr.json", BakeOverride.Render(Plan(Contexts.PullRequest(42), ["linux/arm64"])));

    [Fact]
    public void Plan_text_names_every_decision() => Golden.Match("bake-plan-main.txt", Plan(Contexts.Main).Render());

    [Fact]
    public void The_packages_snapshot_label_is_passed_as_the_build_arg_to_both_targets()
    {
        var plan = Plan(Contexts.Main);
        var labelled = plan with
        {
            Permutations = [plan.Permutations[0] with { Labels = new Dictionary<string, string>(plan.Permutations[0].Labels) { [PackageSnapshot.LabelKey] = "2026-08-23.2" } },
                plan.Permutations[1]],
        };
        var targets = System.Text.Json.Nodes.JsonNode.Parse(BakeOverride.Render(labelled))!["target"]!;
        Assert.Equal("2026-08-23.2", (string?)targets["gcc14-clang20"]!["args"]![PackageSnapshot.BuildArg]);
        Assert.Equal("2026-08-23.2", (string?)targets["validate-gcc14-clang20"]!["args"]![PackageSnapshot.BuildArg]);
        Assert.Null(targets["gcc15-clangp2996"]!["args"]![PackageSnapshot.BuildArg]);
    }

    [Fact]
    public void Platforms_default_to_the_permutations_and_can_be_overridden()
    {
        Assert.All(Plan(Contexts.Main).Permutations, p => Assert.Equal(["linux/amd64", "linux/arm64"], p.Platforms));
        Assert.All(Plan(Contexts.Main, ["linux/arm64"]).Permutations, p => Assert.Equal(["linux/arm64"], p.Platforms));
    }

    [Fact]
    public void One_platform_is_still_exported_as_an_annotated_image_index()
    {
        var plan = Plan(Contexts.Main, ["linux/amd64"]);
        var target = System.Text.Json.Nodes.JsonNode.Parse(BakeOverride.Render(plan))!["target"]!["gcc14-clang20"]!;
        Assert.Equal("1", (string?)target["args"]![BakeOverride.MultiPlatformArg]);
        Assert.Contains(target["annotations"]!.AsArray(), a => ((string?)a)!.StartsWith("index:org.opencontainers.image.revision=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("amd64")]
    [InlineData("linux/amd64 ")]
    [InlineData("linux/arm/v7/x")]
    public void Malformed_platforms_are_refused(string platform) =>
        Assert.Contains("os/arch", Assert.Throws<ArgumentException>(() => Plan(Contexts.Main, [platform])).Message);

    [Fact]
    public void Empty_selection_is_refused() =>
        Assert.Throws<ArgumentException>(() => BakePlanner.Plan(Contexts.Main, [], null, "r/i", "i", CacheMode.None, Bases, "/a", "/c"));
}
