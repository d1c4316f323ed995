using Xunit;

namespace BuildTests.Bake;

public class CachePolicyTests
{
    const string Remote = "registry.example.com/acme/devcontainer";
    const string Loopback = "127.0.0.1:5000/t1/devcontainer";
    const string Id = "gcc14-clang20";

    static CacheSettings For(BuildContext context, CacheMode mode = CacheMode.Registry, string repository = Remote) =>
        CachePolicy.For(context, mode, repository, Id, "/cache");

    [Fact]
    public void Default_branch_reads_and_writes_the_main_cache_with_mode_max()
    {
        var cache = For(Contexts.Main);
        Assert.Equal([$"type=registry,ref={Remote}-cache:{Id}-main"], cache.From);
        Assert.Equal([$"type=registry,ref={Remote}-cache:{Id}-main,mode=max,ignore-error=true"], cache.To);
    }

    [Fact]
    public void Pull_request_reads_main_and_its_own_and_writes_only_its_own()
    {
        var cache = For(Contexts.PullRequest(42));
        Assert.Equal([$"type=registry,ref={Remote}-cache:{Id}-main", $"type=registry,ref={Remote}-cache:{Id}-pr-42"], cache.From);
        Assert.Equal([$"type=registry,ref={Remote}-cache:{Id}-pr-42,mode=max,ignore-error=true"], cache.To);
    }

    [Fact]
    public void Registry_read_reads_the_main_cache_and_writes_nothing_in_any_mode()
    {
        foreach (var context in new[] { Contexts.Main, Contexts.PullRequest(42), Contexts.Release("v1.0.0"), Contexts.Local })
        {
            var cache = For(context, CacheMode.RegistryRead);
            Assert.Equal([$"type=registry,ref={Remote}-cache:{Id}-main"], cache.From);
            Assert.Empty(cache.To);
        }
    }

    [Fact]
    public void Pull_request_from_a_fork_reads_but_writes_nothing()
    {
        var cache = For(Contexts.PullRequest(42, fork: true));
        Assert.Equal(2, cache.From.Count);
        Assert.Empty(cache.To);
    }

    [Fact]
    public void Release_and_local_builds_read_main_and_write_nothing()
    {
        foreach (var context in new[] { Contexts.Release("v1.0.0"), Contexts.Local })
        {
            var cache = For(context);
            Assert.Equal([$"type=registry,ref={Remote}-cache:{Id}-main"], cache.From);
            Assert.Empty(cache.To);
        }
    }

    [Fact]
    public void No_write_from_any_non_default_branch_build_ever_touches_the_main_cache()
    {
        foreach (var context in new[] { Contexts.PullRequest(1), Contexts.PullRequest(2, fork: true), Contexts.Release("v1.0.0"), Contexts.Local })
            Assert.DoesNotContain(For(context).To, to => to.Contains("-main"));
    }

    [Fact]
    public void Loopback_registries_are_reached_over_plain_http()
    {
        var cache = For(Contexts.Main, repository: Loopback);
        Assert.All(cache.From.Concat(cache.To), entry => Assert.Contains(",registry.insecure=true", entry));
        Assert.All(For(Contexts.Main).From, entry => Assert.DoesNotContain("insecure", entry));
    }

    [Theory]
    [InlineData("127.0.0.1:5000/a", true)]
    [InlineData("127.8.9.1/a", true)]
    [InlineData("localhost:5000/a", true)]
    [InlineData("[::1]:5000/a", true)]
    [InlineData("localhost.example.com/a", false)]
    [InlineData("registry.example.com:5000/a", false)]
    public void Loopback_detection(string reference, bool loopback) => Assert.Equal(loopback, RegistryHost.IsLoopback(reference));

    [Fact]
    public void Local_cache_is_a_directory_per_permutation_and_none_is_empty()
    {
        var local = For(Contexts.PullRequest(3), CacheMode.Local);
        Assert.Equal([$"type=local,src=/cache/{Id}"], local.From);
        Assert.Equal([$"type=local,dest=/cache/{Id},mode=max"], local.To);
        Assert.Equal(CacheSettings.Empty, For(Contexts.Main, CacheMode.None));
    }

    [Fact]
    public void The_policy_refuses_a_main_cache_write_from_a_pull_request()
    {
        var error = Assert.Throws<CachePoisoningException>(() => CachePolicy.EnsureWritable(Contexts.PullRequest(42), "main"));
        Assert.Contains("'main'", error.Message);
    }

    [Theory]
    [InlineData("pr-41")]
    [InlineData("main")]
    public void A_pull_request_may_write_only_its_own_scope(string scope) =>
        Assert.Throws<CachePoisoningException>(() => CachePolicy.EnsureWritable(Contexts.PullRequest(42), scope));

    [Fact]
    public void Fork_release_and_local_builds_may_write_no_scope()
    {
        Assert.Throws<CachePoisoningException>(() => CachePolicy.EnsureWritable(Contexts.PullRequest(42, fork: true), "pr-42"));
        Assert.Throws<CachePoisoningException>(() => CachePolicy.EnsureWritable(Contexts.Release("v1.0.0"), "main"));
        Assert.Throws<CachePoisoningException>(() => CachePolicy.EnsureWritable(Contexts.Local, "main"));
    }

    [Fact]
    public void Default_branch_writes_main_and_pull_request_writes_its_own()
    {
        CachePolicy.EnsureWritable(Contexts.Main, "main");
        CachePolicy.EnsureWritable(Contexts.PullRequest(42), "pr-42");
        Assert.Throws<CachePoisoningException>(() => CachePolicy.EnsureWritable(Contexts.Main, "pr-42"));
    }

    [Fact]
    public void One_platform_of_a_multi_platform_permutation_has_its_own_refs_in_the_same_scopes()
    {
        var main = CachePolicy.For(Contexts.Main, CacheMode.Registry, Remote, Id, "/cache", "linux/arm64");
        Assert.Equal([$"type=registry,ref={Remote}-cache:{Id}-main-arm64"], main.From);
        Assert.Equal([$"type=registry,ref={Remote}-cache:{Id}-main-arm64,mode=max,ignore-error=true"], main.To);
        var pr = CachePolicy.For(Contexts.PullRequest(42), CacheMode.Registry, Remote, Id, "/cache", "linux/amd64");
        Assert.Equal([$"type=registry,ref={Remote}-cache:{Id}-main-amd64", $"type=registry,ref={Remote}-cache:{Id}-pr-42-amd64"], pr.From);
        Assert.Equal([$"type=registry,ref={Remote}-cache:{Id}-pr-42-amd64,mode=max,ignore-error=true"], pr.To);
        Assert.Empty(CachePolicy.For(Contexts.PullRequest(42, fork: true), CacheMode.Registry, Remote, Id, "/cache", "linux/arm64").To);
        Assert.Equal([$"type=local,src=/cache/{Id}-arm64"], CachePolicy.For(Contexts.Main, CacheMode.Local, Remote, Id, "/cache", "linux/arm64").From);
    }

    [Theory]
    [InlineData(new[] { "linux/arm64" }, new[] { "linux/amd64", "linux/arm64" }, "linux/arm64")]
    [InlineData(new[] { "linux/amd64", "linux/arm64" }, new[] { "linux/amd64", "linux/arm64" }, null)]
    [InlineData(new[] { "linux/amd64" }, new[] { "linux/amd64" }, null)]
    public void Only_a_build_of_one_of_several_platforms_is_keyed_by_platform(string[] built, string[] permutation, string? expected) =>
        Assert.Equal(expected, CachePolicy.CachePlatform(built, permutation));

    [Theory]
    [InlineData("linux/amd64", "amd64")]
    [InlineData("linux/arm/v7", "arm-v7")]
    public void Platform_slugs_name_the_architecture(string platform, string slug) => Assert.Equal(slug, CachePolicy.PlatformSlug(platform));
}
