using System.Linq.Expressions;

namespace Pipeline.Host;

/// <summary>A target is a property of the build class: <c>Target Bake => _ => _.Executes(...)</c>.</summary>
public delegate ITargetDefinition Target(ITargetDefinition _);

/// <summary>A file a target reads that another writes, described for the one line that refuses a run without it.</summary>
public sealed record ConsumedFile(string Description, string Path);

/// <summary>The fluent clauses a target can declare; the same names and meanings as NUKE's.</summary>
public interface ITargetDefinition
{
    ITargetDefinition Description(string description);
    ITargetDefinition DependsOn(params Target[] targets);
    ITargetDefinition DependentFor(params Target[] targets);
    ITargetDefinition After(params Target[] targets);
    ITargetDefinition Before(params Target[] targets);
    ITargetDefinition Triggers(params Target[] targets);
    ITargetDefinition TriggeredBy(params Target[] targets);
    /// <summary>Evaluated once, before any target runs.</summary>
    ITargetDefinition OnlyWhenStatic(params Expression<Func<bool>>[] conditions);
    /// <summary>Evaluated just before this target would run.</summary>
    ITargetDefinition OnlyWhenDynamic(params Expression<Func<bool>>[] conditions);
    /// <summary>Parameters that must have a value; checked for all scheduled targets before any runs.</summary>
    ITargetDefinition Requires(params Expression<Func<object?>>[] parameters);
    /// <summary>
    /// Parameters the target reads (its Requires count too). A flag given on the command line that no target of the run
    /// reads is refused before anything runs (exit 2); --help names each parameter's readers.
    /// </summary>
    ITargetDefinition Reads(params Expression<Func<object?>>[] parameters);
    ITargetDefinition ProceedAfterFailure();
    ITargetDefinition AssuredAfterFailure();
    ITargetDefinition Unlisted();
    /// <summary>Paths the target writes (globs allowed), e.g. <c>ArtifactsDirectory / "scan" / "*.json"</c>; --plan lists them.</summary>
    ITargetDefinition Produces(params string[] paths);
    /// <summary>
    /// Files the target reads that <paramref name="producer"/> writes (as NUKE's <c>Consumes(target, artifacts)</c>): when
    /// the producer does not run, each must exist before anything runs, else the run is refused (exit 2).
    /// </summary>
    ITargetDefinition Consumes(Target producer, params ConsumedFile[] files);
    /// <summary>Files any one of <paramref name="producers"/> writes (the first is named when none runs).</summary>
    ITargetDefinition Consumes(IReadOnlyList<Target> producers, params ConsumedFile[] files);
    ITargetDefinition Executes(Action action);
    ITargetDefinition Executes(Func<Task> action);
}

internal sealed class TargetDefinition : ITargetDefinition
{
    public string? DescriptionText { get; private set; }
    public List<Target> DependsOnTargets { get; } = [];
    public List<Target> DependentForTargets { get; } = [];
    public List<Target> AfterTargets { get; } = [];
    public List<Target> BeforeTargets { get; } = [];
    public List<Target> TriggersTargets { get; } = [];
    public List<Target> TriggeredByTargets { get; } = [];
    public List<Expression<Func<bool>>> StaticConditions { get; } = [];
    public List<Expression<Func<bool>>> DynamicConditions { get; } = [];
    public List<Expression<Func<object?>>> Requirements { get; } = [];
    public List<Expression<Func<object?>>> ReadParameters { get; } = [];
    public List<string> ProducedPaths { get; } = [];
    public List<(IReadOnlyList<Target> Producers, ConsumedFile File)> ConsumedFiles { get; } = [];
    public List<Func<Task>> Actions { get; } = [];
    /// <summary>The delegates given to Executes, unwrapped: what a test reads to check the target's Reads are complete.</summary>
    public List<Delegate> ActionBodies { get; } = [];
    public bool IsProceedAfterFailure { get; private set; }
    public bool IsAssuredAfterFailure { get; private set; }
    public bool IsUnlisted { get; private set; }

    public ITargetDefinition Description(string description) { DescriptionText = description; return this; }
    public ITargetDefinition DependsOn(params Target[] targets) { DependsOnTargets.AddRange(targets); return this; }
    public ITargetDefinition DependentFor(params Target[] targets) { DependentForTargets.AddRange(targets); return this; }
    public ITargetDefinition After(params Target[] targets) { AfterTargets.AddRange(targets); return this; }
    public ITargetDefinition Before(params Target[] targets) { BeforeTargets.AddRange(targets); return this; }
    public ITargetDefinition Triggers(params Target[] targets) { TriggersTargets.AddRange(targets); return this; }
    public ITargetDefinition TriggeredBy(params Target[] targets) { TriggeredByTargets.AddRange(targets); return this; }
    public ITargetDefinition OnlyWhenStatic(params Expression<Func<bool>>[] conditions) { StaticConditions.AddRange(conditions); return this; }
    public ITargetDefinition OnlyWhenDynamic(params Expression<Func<bool>>[] conditions) { DynamicConditions.AddRange(conditions); return this; }
    public ITargetDefinition Requires(params Expression<Func<object?>>[] parameters) { Requirements.AddRange(parameters); return this; }
    public ITargetDefinition Reads(params Expression<Func<object?>>[] parameters) { ReadParameters.AddRange(parameters); return this; }
    public ITargetDefinition ProceedAfterFailure() { IsProceedAfterFailure = true; return this; }
    public ITargetDefinition AssuredAfterFailure() { IsAssuredAfterFailure = true; return this; }
    public ITargetDefinition Unlisted() { IsUnlisted = true; return this; }
    public ITargetDefinition Produces(params string[] paths) { ProducedPaths.AddRange(paths); return this; }
    public ITargetDefinition Consumes(Target producer, params ConsumedFile[] files) => Consumes([producer], files);

    public ITargetDefinition Consumes(IReadOnlyList<Target> producers, params ConsumedFile[] files)
    {
        ConsumedFiles.AddRange(files.Select(file => (producers, file)));
        return this;
    }
    public ITargetDefinition Executes(Action action)
    {
        ActionBodies.Add(action);
        Actions.Add(() => { action(); return Task.CompletedTask; });
        return this;
    }

    public ITargetDefinition Executes(Func<Task> action) { ActionBodies.Add(action); Actions.Add(action); return this; }
}
