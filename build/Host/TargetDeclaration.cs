namespace Pipeline.Host;

/// <summary>A file a target reads (<see cref="Consumer"/>) that one of <see cref="Producers"/> writes.</summary>
public sealed record DeclaredInput(IReadOnlyList<string> Producers, string Consumer, string Description, string Path)
{
    public DeclaredInput(string producer, string consumer, string description, string path) : this([producer], consumer, description, path) { }
}

/// <summary>
/// A target as the build class declares it: what it depends on (DependsOn, and DependentFor of others), the parameters
/// it reads, the paths it produces and the files it consumes. Read without running anything, e.g. by the workflow
/// generator to upload what a job's targets produce, and by the up-front checks for what a run needs on disk.
/// </summary>
public sealed record TargetDeclaration(string Name, IReadOnlyList<string> DependsOn, IReadOnlyList<string> Produces)
{
    /// <summary>The parameters (member names) it reads: its Reads and its Requires.</summary>
    public IReadOnlySet<string> Reads { get; init; } = new HashSet<string>();

    public IReadOnlyList<DeclaredInput> Consumes { get; init; } = [];

    /// <summary>Every target of <paramref name="build"/>, in declaration order, as its current parameter values declare it.</summary>
    public static IReadOnlyList<TargetDeclaration> Of(NukeBuild build) => ExecutableTarget.Discover(build).Select(From).ToList();

    internal static TargetDeclaration From(ExecutableTarget t) =>
        new(t.Name, t.ExecutionDependencies.Select(d => d.Name).ToList(), t.ProducedPaths.ToList())
        {
            Reads = ParameterReaders.Of(t),
            Consumes = t.Consumed.Select(c => new DeclaredInput(c.Producers.Select(p => p.Name).ToList(), t.Name, c.File.Description, c.File.Path)).ToList(),
        };
}
