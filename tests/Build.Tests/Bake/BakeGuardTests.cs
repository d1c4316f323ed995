using Xunit;

namespace BuildTests.Bake;

public class BakeGuardTests
{
    const string Repo = GuardPlans.Repo;
    static BakePlan Plan(BuildContext context) => GuardPlans.For(context);

    static BakeDefinition Resolved(string imageCacheTo, string validateOutput = "type=cacheonly") => BakeDefinition.Parse($$$"""
        {"target":{
          "gcc14-clang20":{"cache-to":[{{{imageCacheTo}}}],"output":["type=oci,dest=/a/gcc14-clang20.tar"]},
          "validate-gcc14-clang20":{"output":["{{{validateOutput}}}"] } } }
        """);

    [Fact]
    public void A_main_cache_write_hard_coded_in_the_bake_file_is_refused_for_a_pull_request()
    {
        var resolved = Resolved($"\"type=registry,ref={Repo}-cache:gcc14-clang20-main,mode=max\"");
        Assert.Throws<CachePoisoningException>(() => BakeGuard.Check(Contexts.PullRequest(5), Plan(Contexts.PullRequest(5)), resolved));
        BakeGuard.Check(Contexts.Main, Plan(Contexts.Main), resolved);
    }

    [Fact]
    public void A_per_platform_build_may_write_its_own_platform_s_ref_of_its_scope_only()
    {
        BakeGuard.CheckCacheWrite(Contexts.Main, Repo, "gcc14-clang20", $"type=registry,ref={Repo}-cache:gcc14-clang20-main-arm64,mode=max", "linux/arm64");
        BakeGuard.CheckCacheWrite(Contexts.PullRequest(5), Repo, "gcc14-clang20", $"type=registry,ref={Repo}-cache:gcc14-clang20-pr-5-amd64,mode=max", "linux/amd64");
        Assert.Throws<CachePoisoningException>(() => BakeGuard.CheckCacheWrite(Contexts.PullRequest(5), Repo, "gcc14-clang20", $"type=registry,ref={Repo}-cache:gcc14-clang20-main-amd64,mode=max", "linux/amd64"));
        // Without a platform the suffix is not stripped: a multi-platform build never writes a platform's ref.
        Assert.Throws<CachePoisoningException>(() => BakeGuard.CheckCacheWrite(Contexts.Main, Repo, "gcc14-clang20", $"type=registry,ref={Repo}-cache:gcc14-clang20-main-arm64,mode=max"));
    }

    [Fact]
    public void A_cache_write_outside_the_cache_repository_is_refused()
    {
        var resolved = Resolved("\"type=registry,ref=127.0.0.1:5000/elsewhere:gcc14-clang20-main,mode=max\"");
        Assert.Contains("outside", Assert.Throws<CachePoisoningException>(() => BakeGuard.Check(Contexts.Main, Plan(Contexts.Main), resolved)).Message);
    }

    [Fact]
    public void Object_form_cache_entries_are_checked_too()
    {
        var resolved = Resolved($"{{\"type\":\"registry\",\"ref\":\"{Repo}-cache:gcc14-clang20-main\",\"mode\":\"max\"}}");
        Assert.Throws<CachePoisoningException>(() => BakeGuard.Check(Contexts.Local, Plan(Contexts.Local), resolved));
    }

    [Fact]
    public void A_validate_target_that_exports_an_image_is_refused()
    {
        var resolved = Resolved("", validateOutput: "type=registry");
        Assert.Contains("cacheonly", Assert.Throws<ArgumentException>(() => BakeGuard.Check(Contexts.Main, Plan(Contexts.Main), resolved)).Message);
    }

    [Fact]
    public void A_missing_target_is_named()
    {
        var resolved = BakeDefinition.Parse("""{"target":{"gcc14-clang20":{}}}""");
        Assert.Contains("validate-gcc14-clang20", Assert.Throws<ArgumentException>(() => BakeGuard.Check(Contexts.Main, Plan(Contexts.Main), resolved)).Message);
    }
}
