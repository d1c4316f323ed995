using System.Reflection;
using Pipeline.Host;

namespace Pipeline.CI;

public sealed record GeneratedWorkflow(string FileName, string Text)
{
    public string RelativePath => ".github/workflows/" + FileName;
}

/// <summary>
/// Pure generation: (the build class's attributes, the permutations) → workflow files. No I/O, so tests compare the
/// committed files and variants without running the build.
/// </summary>
public static class WorkflowGenerator
{
    public static IReadOnlyList<GeneratedWorkflow> Generate(Type buildType, IReadOnlyList<Permutation> permutations)
    {
        var attributes = buildType.GetCustomAttributes<GitHubActionsWorkflowAttribute>(inherit: true).ToList();
        var inputs = buildType.GetCustomAttributes<GitHubActionsInputAttribute>(inherit: true).ToList();
        foreach (var orphan in inputs.Where(i => attributes.All(a => a.Name != i.Workflow)))
            throw new ArgumentException($"Input '{orphan.Name}' names workflow '{orphan.Workflow}', which no [GitHubActions] attribute declares; fix the name.");
        var duplicate = attributes.GroupBy(a => a.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Two workflow attributes are named '{duplicate.Key}'; give each its own name.");

        var targets = buildType.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(p => p.PropertyType == typeof(Target)).Select(p => p.Name).ToHashSet();
        foreach (var attribute in attributes)
        foreach (var target in TargetsOf(attribute).Where(t => !targets.Contains(t)))
            throw new ArgumentException($"Workflow '{attribute.Name}' names target '{target}', which {buildType.Name} does not have; use nameof(...) of a target.");

        return attributes.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => Generate(buildType, a, inputs, permutations)).ToList();
    }

    /// <summary>One workflow; <paramref name="buildType"/>'s [RegistryAccess] declarations decide each job's credentials, its targets' Produces what each job uploads.</summary>
    public static GeneratedWorkflow Generate(Type buildType, GitHubActionsWorkflowAttribute attribute, IReadOnlyList<GitHubActionsInputAttribute> inputs, IReadOnlyList<Permutation> permutations)
    {
        RegistryUse Use(IEnumerable<string> targets) => RegistryAccess.Of(buildType, targets);
        var workflow = attribute switch
        {
            GitHubActionsMatrixAttribute matrix => MatrixWorkflowFactory.Create(matrix, permutations, Use, JobUploads.Of(buildType)),
            GitHubActionsAttribute simple => TargetWorkflowFactory.Create(simple, inputs, Use(simple.InvokedTargets)),
            GitHubActionsTestsAttribute tests => TestWorkflowFactory.Create(tests),
            GitHubActionsPullRequestAttribute pullRequest => PullRequestWorkflowFactory.Create(pullRequest),
            _ => throw new ArgumentException($"Unknown workflow attribute {attribute.GetType().Name}"),
        };
        return new GeneratedWorkflow(attribute.FileName, WorkflowYaml.Serialize(workflow, attribute.FileName));
    }

    private static IEnumerable<string> TargetsOf(GitHubActionsWorkflowAttribute attribute) => attribute switch
    {
        GitHubActionsMatrixAttribute m => [.. m.MatrixTargets, .. m.PlatformTargets, .. m.MergeTargets, .. m.MergeSkippedTargets, .. m.PublishTargets, .. m.PublishSkippedTargets],
        GitHubActionsAttribute s => s.InvokedTargets,
        GitHubActionsPullRequestAttribute p => p.InvokedTargets,
        _ => [],
    };
}
