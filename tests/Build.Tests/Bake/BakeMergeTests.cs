using Xunit;

namespace BuildTests.Bake;

/// <summary>The in-process model of buildx's merge (static print + override) that the guard checks on a cached run.</summary>
public class BakeMergeTests
{
    const string Repo = GuardPlans.Repo;
    static BakePlan Plan(BuildContext context) => GuardPlans.For(context);

    /// <summary>A bake file that hard-codes a main cache write, a tag and a registry output, as buildx prints it alone.</summary>
    const string HostileStaticPrint = $$$"""
        {"group":{"default":{"targets":["gcc14-clang20","validate-gcc14-clang20"]}},
         "target":{
          "gcc14-clang20":{"context":".","dockerfile":"Dockerfile","args":{"BASE_IMAGE":"b:1","GCC_VERSION":"14"},"target":"image",
            "tags":["evil:1"],"cache-to":["type=registry,ref={{{Repo}}}-cache:gcc14-clang20-main,mode=max"],"output":["type=registry"]},
          "validate-gcc14-clang20":{"context":".","dockerfile":"Dockerfile","args":{"BASE_IMAGE":"b:1"},"target":"validate",
            "cache-to":["type=registry,ref={{{Repo}}}-cache:gcc14-clang20-main"],"output":["type=registry"] } } }
        """;

    [Fact]
    public void The_override_s_lists_replace_the_bake_file_s_and_its_maps_add_to_them()
    {
        var plan = Plan(Contexts.PullRequest(5));
        var merged = BakeDefinition.Parse(BakeMerge.Apply(HostileStaticPrint, BakeOverride.Render(plan)));
        var image = merged.Targets["gcc14-clang20"];
        Assert.Equal(plan.Permutations[0].Cache.To, image.CacheTo);
        Assert.Equal([$"type=oci,dest=/a/gcc14-clang20.tar.partial"], image.Output);
        Assert.Empty(image.Tags); // an empty list replaces too
        Assert.Equal("14", image.Args["GCC_VERSION"]);
        Assert.Equal("1", image.Args[BakeOverride.MultiPlatformArg]);
        Assert.Equal("image", image.Stage);
        var validate = merged.Targets["validate-gcc14-clang20"];
        Assert.Empty(validate.CacheTo);
        Assert.Equal(["type=cacheonly"], validate.Output);
        // So the guard passes what buildx would build, and the hard-coded values never reach it.
        BakeGuard.Check(Contexts.PullRequest(5), plan, merged);
    }

    [Fact]
    public void The_guard_on_the_merge_refuses_what_it_refuses_on_buildx_s_print()
    {
        // The same plan's override with a main cache write slipped into it: a pull request must not write main.
        var plan = Plan(Contexts.PullRequest(5));
        var poisoned = BakeOverride.Render(plan).Replace("gcc14-clang20-pr-5,mode=max", "gcc14-clang20-main,mode=max");
        Assert.Contains("gcc14-clang20-main,mode=max", poisoned);
        var merged = BakeDefinition.Parse(BakeMerge.Apply(HostileStaticPrint, poisoned));
        Assert.Throws<CachePoisoningException>(() => BakeGuard.Check(Contexts.PullRequest(5), plan, merged));

        // A target the override does not mention keeps the bake file's values, and the guard sees them.
        var withoutValidate = BakeOverride.Render(plan).Replace("\"validate-gcc14-clang20\"", "\"validate-other\"");
        var kept = BakeDefinition.Parse(BakeMerge.Apply(HostileStaticPrint, withoutValidate));
        Assert.Equal(["type=registry"], kept.Targets["validate-gcc14-clang20"].Output);
        Assert.Throws<CachePoisoningException>(() => BakeGuard.Check(Contexts.PullRequest(5), plan, kept));
    }

    [Fact]
    public void Agreement_ignores_field_order_within_an_entry_and_nothing_else()
    {
        var a = BakeDefinition.Parse("""{"target":{"t":{"cache-to":["type=registry,ref=r:x,mode=max"],"args":{"A":"1"}}}}""");
        var reordered = BakeDefinition.Parse("""{"target":{"t":{"cache-to":[{"mode":"max","ref":"r:x","type":"registry"}],"args":{"A":"1"}}}}""");
        Assert.True(BakeMerge.Agrees(a, reordered));
        Assert.False(BakeMerge.Agrees(a, BakeDefinition.Parse("""{"target":{"t":{"cache-to":["type=registry,ref=r:main,mode=max"],"args":{"A":"1"}}}}""")));
        Assert.False(BakeMerge.Agrees(a, BakeDefinition.Parse("""{"target":{"t":{"cache-to":["type=registry,ref=r:x,mode=max"],"args":{"A":"2"}}}}""")));
        Assert.False(BakeMerge.Agrees(a, BakeDefinition.Parse("""{"target":{"t":{"cache-to":["type=registry,ref=r:x,mode=max"],"args":{"A":"1"},"output":["type=registry"]}}}""")));
        Assert.False(BakeMerge.Agrees(a, BakeDefinition.Parse("""{"target":{"t":{"cache-to":["type=registry,ref=r:x,mode=max"],"args":{"A":"1"}},"u":{}}}""")));
    }
}
