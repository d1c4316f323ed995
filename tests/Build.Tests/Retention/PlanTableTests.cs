using Pipeline.Retention;
using Tests.Shared;
using Xunit;
using static BuildTests.Retention.RepositoryBuilder;

namespace BuildTests.Retention;

public class PlanTableTests
{
    [Fact]
    public void The_dry_run_table_lists_every_deletion_with_its_kind_and_reason()
    {
        var plan = PolicyFixtures.Plan(new RepositoryBuilder()
            .Index("rel", 400, "v1.0.0-gcc15-clang20").Signed("rel")
            .Index("pr", 200, "pr-4").Signed("pr")
            .Manifest("stray", 100)
            .Build());

        Golden.Match("Retention/plan-dry-run.md", PlanTable.Format(plan, "127.0.0.1:5000/team/devcontainer", dryRun: true));
    }

    [Fact]
    public void An_empty_plan_says_there_is_nothing_to_delete()
    {
        var text = PlanTable.Format(PolicyFixtures.Plan(new RepositoryBuilder().Index("rel", 1, "v1.0.0-gcc15-clang20").Build()), "r/x", dryRun: false);

        Assert.Contains("deletes 0 of 3 versions", text);
        Assert.Contains("Nothing to delete.", text);
        Assert.DoesNotContain("dry run", text);
    }
}
