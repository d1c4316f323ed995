using System.Text.Json;
using Tests.Shared;
using Xunit;

namespace BuildTests.GitHub;

/// <summary>Whether a job in a deployment environment may run, on the shapes GitHub's "Get an environment" answers.</summary>
public class EnvironmentProtectionTests
{
    const string Name = "registry-rollback";
    const string Main = "refs/heads/main";

    static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    // docs.github.com's example response (REST, deployment environments): a wait timer, required reviewers, a branch policy.
    const string DocumentedExample = """
        {"id":161088068,"node_id":"MDExOkVudmlyb25tZW50MTYxMDg4MDY4","name":"staging",
         "protection_rules":[{"id":3736,"node_id":"MDQ6R2F0ZTM3MzY=","type":"wait_timer","wait_timer":30},
                             {"id":3755,"node_id":"MDQ6R2F0ZTM3NTU=","prevent_self_review":false,"type":"required_reviewers","reviewers":[]},
                             {"id":3756,"node_id":"MDQ6R2F0ZTM3NTY=","type":"branch_policy"}],
         "deployment_branch_policy":{"protected_branches":false,"custom_branch_policies":true}}
        """;

    [Fact]
    public void An_environment_with_required_reviewers_on_the_default_branch_runs_and_self_review_is_a_warning()
    {
        var verdict = EnvironmentProtection.Check(Parse(DocumentedExample), Name, Main, "main", withoutReviewers: false);
        Assert.Empty(verdict.Problems);
        Assert.Contains(verdict.Warnings, w => w.Contains("Prevent self-review"));
        Assert.Empty(EnvironmentProtection.Check(Parse(FakeGitHubApi.ProtectedEnvironment(Name)), Name, Main, "main", false).Warnings);
    }

    [Fact]
    public void The_environment_GitHub_creates_on_first_use_is_refused_naming_the_setting()
    {
        var verdict = EnvironmentProtection.Check(Parse(FakeGitHubApi.UnprotectedEnvironment(Name)), Name, Main, "main", withoutReviewers: false);
        var problem = Assert.Single(verdict.Problems);
        Assert.Contains("'registry-rollback' has no required reviewers", problem);
        Assert.Contains("Settings → Environments → registry-rollback", problem);
        Assert.Contains(EnvironmentProtection.WithoutReviewersVariable, problem);
        Assert.DoesNotContain('\n', problem);
    }

    [Theory]
    [InlineData("refs/heads/feature")]
    [InlineData("refs/tags/v1.2.3")]
    public void Another_ref_than_the_default_branch_is_refused_even_with_reviewers(string gitRef)
    {
        var problem = Assert.Single(EnvironmentProtection.Check(Parse(FakeGitHubApi.ProtectedEnvironment(Name)), Name, gitRef, "main", false).Problems);
        Assert.Contains($"only from the default branch main, not from {gitRef}", problem);
    }

    [Fact]
    public void A_missing_environment_is_refused()
    {
        Assert.Contains("does not exist", Assert.Single(EnvironmentProtection.Check(null, Name, Main, "main", false).Problems));
    }

    [Fact]
    public void Without_reviewers_allowed_a_branch_policy_is_still_needed_and_its_absence_refused()
    {
        Assert.Contains("neither required reviewers nor a deployment branch policy",
            Assert.Single(EnvironmentProtection.Check(Parse(FakeGitHubApi.UnprotectedEnvironment(Name)), Name, Main, "main", withoutReviewers: true).Problems));
        const string branchesOnly = """{"name":"registry-rollback","protection_rules":[{"id":1,"node_id":"x","type":"branch_policy"}],"deployment_branch_policy":{"protected_branches":true,"custom_branch_policies":false}}""";
        var verdict = EnvironmentProtection.Check(Parse(branchesOnly), Name, Main, "main", withoutReviewers: true);
        Assert.Empty(verdict.Problems);
        Assert.Contains(verdict.Warnings, w => w.Contains("no required reviewers"));
        Assert.NotEmpty(EnvironmentProtection.Check(Parse(branchesOnly), Name, Main, "main", withoutReviewers: false).Problems);
    }
}
