using Pipeline.Host;
using Xunit;

namespace Host.Tests;

public class PlannerTests
{
    private static string Plan(NukeBuild build, params string[] invoked)
    {
        var targets = ExecutableTarget.Discover(build);
        var plan = ExecutionPlanner.Plan(targets, invoked.Select(n => BuildExecutor.FindTarget(n, targets)).ToList());
        return string.Join(", ", plan.Select(p => $"{p.Target.Name} ({p.Reason})"));
    }

    private sealed class DependsOnBuild : NukeBuild
    {
        Target A => _ => _.DependsOn(B);
        Target B => _ => _.DependsOn(C);
        Target C => _ => _;
        Target Unrelated => _ => _;
    }

    [Fact]
    public void DependsOn_schedules_dependencies_first_and_nothing_else() =>
        Assert.Equal("C (dependency of B), B (dependency of A), A (invoked)", Plan(new DependsOnBuild(), "A"));

    private sealed class DependentForBuild : NukeBuild
    {
        Target A => _ => _;
        Target B => _ => _.DependentFor(A);
    }

    [Fact]
    public void DependentFor_makes_the_declaring_target_a_dependency() =>
        Assert.Equal("B (dependency of A), A (invoked)", Plan(new DependentForBuild(), "A"));

    private sealed class AfterBuild : NukeBuild
    {
        Target A => _ => _.After(B);
        Target B => _ => _;
    }

    [Fact]
    public void After_orders_only_when_both_are_scheduled()
    {
        Assert.Equal("A (invoked)", Plan(new AfterBuild(), "A"));
        Assert.Equal("B (invoked), A (invoked)", Plan(new AfterBuild(), "A", "B"));
    }

    private sealed class BeforeBuild : NukeBuild
    {
        Target A => _ => _;
        Target B => _ => _.Before(A);
    }

    [Fact]
    public void Before_orders_only_when_both_are_scheduled()
    {
        Assert.Equal("A (invoked)", Plan(new BeforeBuild(), "A"));
        Assert.Equal("B (invoked), A (invoked)", Plan(new BeforeBuild(), "A", "B"));
    }

    private sealed class TriggersBuild : NukeBuild
    {
        Target Notify => _ => _;
        Target A => _ => _.Triggers(Notify);
        Target Cleanup => _ => _.TriggeredBy(A);
    }

    [Fact]
    public void Triggers_and_TriggeredBy_schedule_after_the_trigger() =>
        Assert.Equal("A (invoked), Notify (triggered by A), Cleanup (triggered by A)", Plan(new TriggersBuild(), "A"));

    private sealed class TieBuild : NukeBuild
    {
        Target First => _ => _;
        Target Second => _ => _;
        Target Both => _ => _.DependsOn(Second, First);
    }

    [Fact]
    public void Independent_targets_keep_declaration_order_whatever_the_invocation_order()
    {
        Assert.Equal("First (dependency of Both), Second (dependency of Both), Both (invoked)", Plan(new TieBuild(), "Both"));
        Assert.Equal("First (invoked), Second (invoked)", Plan(new TieBuild(), "Second", "First"));
    }

    [Fact]
    public void Target_names_match_case_insensitively_without_dashes() =>
        Assert.Equal("First (invoked)", Plan(new TieBuild(), "fi-rst"));

    private sealed class DependsOnCycleBuild : NukeBuild
    {
        Target A => _ => _.DependsOn(B);
        Target B => _ => _.DependsOn(C);
        Target C => _ => _.DependsOn(A);
        Target D => _ => _;
    }

    [Fact]
    public void A_cycle_fails_before_anything_runs_naming_the_targets()
    {
        var error = Assert.Throws<BuildConfigurationException>(() => Plan(new DependsOnCycleBuild(), "D"));
        Assert.Matches(@"Circular dependency between targets: (A -> B -> C -> A|B -> C -> A -> B|C -> A -> B -> C) \(each must run after the next\)", error.Message);
    }

    private sealed class OrderingCycleBuild : NukeBuild
    {
        Target A => _ => _.After(B);
        Target B => _ => _.After(A);
    }

    [Fact]
    public void A_cycle_through_ordering_relations_fails_too()
    {
        var error = Assert.Throws<BuildConfigurationException>(() => Plan(new OrderingCycleBuild(), "A"));
        Assert.Contains("A", error.Message);
        Assert.Contains("B", error.Message);
    }

    private sealed class UnknownReferenceBuild : NukeBuild
    {
        private static readonly Target NotAProperty = _ => _;
        Target A => _ => _.DependsOn(NotAProperty);
    }

    [Fact]
    public void A_reference_to_something_that_is_not_a_target_property_fails_naming_the_target()
    {
        var error = Assert.Throws<BuildConfigurationException>(() => ExecutableTarget.Discover(new UnknownReferenceBuild()));
        Assert.Contains("Target 'A' has a DependsOn reference", error.Message);
    }

    [Fact]
    public void An_unknown_target_names_the_closest_one()
    {
        var targets = ExecutableTarget.Discover(new TieBuild());
        var error = Assert.Throws<BuildInputException>(() => BuildExecutor.FindTarget("Secnod", targets));
        Assert.StartsWith("Unknown target 'Secnod'; did you mean 'Second'?", error.Message);
    }

    [Fact]
    public void The_sample_build_plan_honours_every_relation()
    {
        Assert.Equal(
            "Clean (invoked), Restore (dependency of Compile), Compile (dependency of Test), Lint (dependency of Test), " +
            "Test (dependency of Pack), Pack (dependency of Publish), Publish (invoked), Announce (triggered by Publish), Report (triggered by Test)",
            Plan(new SampleBuild(), "Publish", "Clean"));
    }
}
