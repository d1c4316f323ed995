using Pipeline.CI;
using Xunit;

namespace WorkflowTests;

/// <summary>Job credentials derived from what the targets declare they do with the registry, per event.</summary>
public class RegistryAccessTests
{
    [Fact]
    public void The_targets_declare_what_they_do_with_the_registry()
    {
        var build = WorkflowTestSupport.BuildClass;
        Assert.Equal(RegistryUse.Read | RegistryUse.WriteCache | RegistryUse.SignCacheKeyless,
            RegistryAccess.Of(build, ["Bake", "Validate", "Scan", "Sbom", "Manifest"]));
        Assert.Equal(RegistryUse.Read | RegistryUse.Push | RegistryUse.SignKeyless, RegistryAccess.Of(build, ["Publish"]));
        Assert.Equal(RegistryUse.Delete, RegistryAccess.Of(build, ["Retention"]));
        Assert.Equal(RegistryUse.None, RegistryAccess.Of(build, ["Scan", "Sbom", "GenerateWorkflows"]));
    }

    [Fact]
    public void Signing_the_main_cache_gives_a_push_an_oidc_token_and_a_pull_request_none()
    {
        var use = RegistryUse.Read | RegistryUse.WriteCache | RegistryUse.SignCacheKeyless;
        Assert.Equal("write", RegistryAccess.For(use, JobTrigger.Trusted).Permissions["id-token"]);
        var pullRequest = RegistryAccess.For(use, JobTrigger.PullRequest); // it writes no main cache: nothing to sign, not refused
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read", ["packages"] = "read" }, pullRequest.Permissions);
    }

    [Fact]
    public void A_push_that_writes_the_cache_gets_packages_write_and_logs_in()
    {
        var c = RegistryAccess.For(RegistryUse.Read | RegistryUse.WriteCache, JobTrigger.Trusted);
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read", ["packages"] = "write" }, c.Permissions);
        Assert.True(c.Login);
    }

    [Fact]
    public void A_pull_request_that_would_write_the_cache_gets_only_packages_read()
    {
        var c = RegistryAccess.For(RegistryUse.Read | RegistryUse.WriteCache, JobTrigger.PullRequest);
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read", ["packages"] = "read" }, c.Permissions);
        Assert.True(c.Login);
        Assert.False(c.HasWrites);
    }

    [Fact]
    public void Keyless_signing_adds_id_token_and_deleting_passes_the_token_instead_of_logging_in()
    {
        Assert.Equal("write", RegistryAccess.For(RegistryUse.Push | RegistryUse.SignKeyless, JobTrigger.Trusted).Permissions["id-token"]);
        var retention = RegistryAccess.For(RegistryUse.Delete, JobTrigger.Trusted);
        Assert.Equal("write", retention.Permissions["packages"]);
        Assert.False(retention.Login);
        Assert.True(retention.GitHubTokenToBuild);
    }

    [Fact]
    public void Targets_without_registry_use_get_no_credentials()
    {
        var c = RegistryAccess.For(RegistryUse.None, JobTrigger.Trusted);
        Assert.Equal(["contents"], c.Permissions.Keys);
        Assert.False(c.Login);
    }

    [Fact]
    public void A_pull_request_job_that_would_publish_is_refused_in_one_line()
    {
        var e = Assert.Throws<ArgumentException>(() => RegistryAccess.For(RegistryUse.Push | RegistryUse.SignKeyless, JobTrigger.PullRequest));
        Assert.Contains("pull requests only build", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
