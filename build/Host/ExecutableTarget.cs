using System.Reflection;

namespace Pipeline.Host;

public enum TargetStatus { None, Succeeded, Failed, Skipped, NotRun, Aborted, Collective }

/// <summary>A target as discovered on the build class, with its relations resolved to other targets.</summary>
internal sealed class ExecutableTarget(string name, Target factory, TargetDefinition definition, int declarationIndex)
{
    public string Name { get; } = name;
    public Target Factory { get; } = factory;
    public TargetDefinition Definition { get; } = definition;
    public int DeclarationIndex { get; } = declarationIndex;
    public bool IsDefault { get; set; }

    /// <summary>DependsOn plus the reverse of other targets' DependentFor.</summary>
    public List<ExecutableTarget> ExecutionDependencies { get; } = [];
    /// <summary>After plus the reverse of other targets' Before: ordering only.</summary>
    public List<ExecutableTarget> OrderDependencies { get; } = [];
    /// <summary>Triggers plus the reverse of other targets' TriggeredBy.</summary>
    public List<ExecutableTarget> Triggers { get; } = [];

    /// <summary>The files the target reads from others (Consumes), each with the targets that write it.</summary>
    public List<(IReadOnlyList<ExecutableTarget> Producers, ConsumedFile File)> Consumed { get; } = [];

    public TargetStatus Status { get; set; }
    public TimeSpan Duration { get; set; }
    public string? SkipReason { get; private set; }
    /// <summary>Skipped by OnlyWhenStatic/OnlyWhenDynamic (or only needed by such targets), rather than by --skip.</summary>
    public bool SkippedByCondition { get; private set; }
    public Dictionary<string, string> SummaryNotes { get; } = [];

    public string? Description => Definition.DescriptionText;
    /// <summary>Paths (globs allowed) the target writes, as declared with Produces; --plan lists them.</summary>
    public IReadOnlyList<string> ProducedPaths => Definition.ProducedPaths;
    public bool Listed => !Definition.IsUnlisted;

    public override string ToString() => Name;

    public void Skip(string reason, bool byCondition = false)
    {
        Status = TargetStatus.Skipped;
        SkipReason = reason;
        SkippedByCondition = byCondition;
    }

    /// <summary>Finds every <see cref="Target"/> property on the build and resolves the relations between them.</summary>
    public static IReadOnlyList<ExecutableTarget> Discover(object build)
    {
        var properties = build.GetType()
            .GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(p => p.PropertyType == typeof(Target))
            .OrderBy(p => p.MetadataToken)
            .ToList();
        var targets = properties.Select((p, i) =>
        {
            var factory = (Target)p.GetValue(build)!;
            var definition = new TargetDefinition();
            factory(definition);
            return new ExecutableTarget(p.Name, factory, definition, i);
        }).ToList();

        ExecutableTarget Resolve(ExecutableTarget owner, Target reference, string relation) =>
            targets.FirstOrDefault(t => t.Factory.Equals(reference))
            ?? throw new BuildConfigurationException(
                $"Target '{owner.Name}' has a {relation} reference to a target that is not a property of {build.GetType().Name}; declare it as 'Target Name => _ => ...'.");

        foreach (var t in targets)
        {
            var d = t.Definition;
            foreach (var r in d.DependsOnTargets) t.ExecutionDependencies.Add(Resolve(t, r, "DependsOn"));
            foreach (var r in d.DependentForTargets) Resolve(t, r, "DependentFor").ExecutionDependencies.Add(t);
            foreach (var r in d.AfterTargets) t.OrderDependencies.Add(Resolve(t, r, "After"));
            foreach (var r in d.BeforeTargets) Resolve(t, r, "Before").OrderDependencies.Add(t);
            foreach (var r in d.TriggersTargets) t.Triggers.Add(Resolve(t, r, "Triggers"));
            foreach (var r in d.TriggeredByTargets) Resolve(t, r, "TriggeredBy").Triggers.Add(t);
            foreach (var (producers, file) in d.ConsumedFiles) t.Consumed.Add((producers.Select(r => Resolve(t, r, "Consumes")).ToList(), file));
        }
        return targets;
    }
}
