namespace Pipeline.Host;

/// <summary>
/// A target as the build class declares it: what it depends on (DependsOn, and DependentFor of others) and the paths
/// it produces. Read without running anything, e.g. by the workflow generator to upload what a job's targets produce.
/// </summary>
public sealed record TargetDeclaration(string Name, IReadOnlyList<string> DependsOn, IReadOnlyList<string> Produces)
{
    /// <summary>Every target of <paramref name="build"/>, in declaration order, as its current parameter values declare it.</summary>
    public static IReadOnlyList<TargetDeclaration> Of(NukeBuild build) =>
        ExecutableTarget.Discover(build)
            .Select(t => new TargetDeclaration(t.Name, t.ExecutionDependencies.Select(d => d.Name).ToList(), t.ProducedPaths.ToList()))
            .ToList();
}
