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
        var plan = GuardPlans.Trusted(Contexts.PullRequest(5));
        var merged = BakeDefinition.Parse(BakeMerge.Apply(HostileStaticPrint, BakeOverride.Render(plan)));
        var image = merged.Targets["gcc14-clang20"];
        Assert.Equal(plan.Permutations[0].Cache.To, image.CacheTo);
        Assert.Equal(plan.Permutations[0].Cache.From, image.CacheFrom); // the main cache by its verified digest
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
        var plan = GuardPlans.Trusted(Contexts.PullRequest(5));
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
    public void A_bake_file_s_own_cache_from_survives_the_override_as_in_buildx_and_the_guard_refuses_a_main_import_by_tag()
    {
        // buildx 0.13 printed exactly this for `-f` a bake file with cache-from ["…:z"] and an override with cache-from ["…:c"]
        // (appended), and kept "…:z" for an override with cache-from [] (Target.Merge: cache-from "merge", cache-to "no merge").
        const string print = """{"target":{"t":{"cache-from":["type=registry,ref=x/y:z"],"cache-to":["type=registry,ref=x/y:w"]}}}""";
        Assert.Equal(["type=registry,ref=x/y:z", "type=registry,ref=a/b:c"],
            BakeDefinition.Parse(BakeMerge.Apply(print, """{"target":{"t":{"cache-from":["type=registry,ref=a/b:c"],"cache-to":[]}}}""")).Targets["t"].CacheFrom);
        var kept = BakeDefinition.Parse(BakeMerge.Apply(print, """{"target":{"t":{"cache-from":[],"cache-to":[]}}}""")).Targets["t"];
        Assert.Equal(["type=registry,ref=x/y:z"], kept.CacheFrom);
        Assert.Empty(kept.CacheTo);

        // So a main cache import hard-coded by tag reaches bake beside the verified one, and the guard refuses it.
        var plan = GuardPlans.Trusted(Contexts.Main);
        var hardCoded = $"\"cache-from\":[\"type=registry,ref={Repo}-cache:gcc14-clang20-main\"]";
        var hostile = HostileStaticPrint.Replace("\"tags\":[\"evil:1\"]", "\"tags\":[\"evil:1\"]," + hardCoded);
        var merged = BakeDefinition.Parse(BakeMerge.Apply(hostile, BakeOverride.Render(plan)));
        Assert.Contains($"type=registry,ref={Repo}-cache:gcc14-clang20-main", merged.Targets["gcc14-clang20"].CacheFrom);
        Assert.Contains("unverified", Assert.Throws<CachePoisoningException>(() => BakeGuard.Check(Contexts.Main, plan, merged)).Message);
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
