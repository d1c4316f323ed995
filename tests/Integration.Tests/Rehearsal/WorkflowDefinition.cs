using YamlDotNet.RepresentationModel;

namespace Integration.Tests.Rehearsal;

/// <summary>One step of a job as written (expressions not yet evaluated).</summary>
public sealed record StepDefinition(string? Id, string? Name, string? If, string? Uses, string? Run, string? Shell,
    string? WorkingDirectory, IReadOnlyDictionary<string, string> With, IReadOnlyDictionary<string, string> Env, bool ContinueOnError)
{
    public string DisplayName => Name ?? (Uses is not null ? "Run " + Uses : "Run " + (Run ?? "").Split('\n')[0]);
}

/// <summary>One job as written; <see cref="Matrix"/> is the raw `strategy.matrix` (a mapping or an expression string).</summary>
public sealed record JobDefinition(string Id, string? Name, IReadOnlyList<string> Needs, string? If, string? RunsOn,
    IReadOnlyDictionary<string, string>? Permissions, object? Matrix, IReadOnlyDictionary<string, string> Env,
    IReadOnlyDictionary<string, string> Outputs, string? WorkingDirectory, IReadOnlyList<StepDefinition> Steps);

/// <summary>A workflow file read with YamlDotNet into the parts the rehearsal runs; unknown step kinds are refused.</summary>
public sealed record WorkflowDefinition(string Name, IReadOnlyDictionary<string, string>? Permissions,
    IReadOnlyDictionary<string, string> Env, IReadOnlyList<JobDefinition> Jobs)
{
    /// <summary>The events `on:` names; for workflow_dispatch, the inputs it declares (no others may be given).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Triggers { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>`on.schedule[*].cron`.</summary>
    public IReadOnlyList<string> Schedules { get; init; } = [];

    public static WorkflowDefinition Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var jobs = Map(root, "jobs") ?? throw new FormatException("the workflow has no jobs");
        var on = root.Children.TryGetValue(new YamlScalarNode("on"), out var o) ? o : throw new FormatException("the workflow has no on:");
        return new WorkflowDefinition(Scalar(root, "name") ?? "", PermissionsOf(root), Strings(Map(root, "env")),
            jobs.Children.Select(pair => Job(((YamlScalarNode)pair.Key).Value!, (YamlMappingNode)pair.Value)).ToList())
        {
            Triggers = on switch
            {
                YamlScalarNode single => new Dictionary<string, IReadOnlyList<string>> { [single.Value!] = [] },
                YamlSequenceNode many => many.Children.ToDictionary(e => ((YamlScalarNode)e).Value!, _ => (IReadOnlyList<string>)[]),
                YamlMappingNode map => map.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!,
                    e => (IReadOnlyList<string>)(e.Value is YamlMappingNode trigger && Map(trigger, "inputs") is { } inputs
                        ? inputs.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList() : [])),
                _ => throw new FormatException("on: is neither an event, a list nor a mapping"),
            },
            Schedules = on is YamlMappingNode events && events.Children.TryGetValue(new YamlScalarNode("schedule"), out var schedule) && schedule is YamlSequenceNode crons
                ? crons.Children.Cast<YamlMappingNode>().Select(c => Scalar(c, "cron")!).ToList() : [],
        };
    }

    /// <summary>Why GitHub would not run this workflow for <paramref name="event"/> (an event `on:` does not name, an undeclared dispatch input), or null.</summary>
    public string? RefusesEvent(RehearsalEvent @event)
    {
        if (!Triggers.TryGetValue(@event.Name, out var declared)) return $"the workflow {Name} has no '{@event.Name}' trigger";
        if (@event.Name == "workflow_dispatch" && @event.Payload.TryGetValue("inputs", out var given) && given is IReadOnlyDictionary<string, object?> inputs
            && inputs.Keys.Except(declared).ToList() is { Count: > 0 } unexpected)
            return $"Unexpected inputs provided: [{string.Join(", ", unexpected.Select(u => $"\"{u}\""))}]"; // GitHub's 422 to such a dispatch
        return null;
    }

    /// <summary>The jobs in an order where every job comes after the jobs it needs (stable otherwise).</summary>
    public IReadOnlyList<JobDefinition> InNeedsOrder()
    {
        var ordered = new List<JobDefinition>();
        var pending = Jobs.ToList();
        while (pending.Count > 0)
        {
            var ready = pending.FirstOrDefault(j => j.Needs.All(n => ordered.Any(o => o.Id == n)))
                ?? throw new FormatException("jobs' needs form a cycle or name a missing job: " + string.Join(", ", pending.Select(j => j.Id)));
            ordered.Add(ready);
            pending.Remove(ready);
        }
        return ordered;
    }

    static JobDefinition Job(string id, YamlMappingNode job)
    {
        var needs = job.Children.TryGetValue(new YamlScalarNode("needs"), out var n)
            ? n is YamlSequenceNode s ? s.Children.Select(c => ((YamlScalarNode)c).Value!).ToList() : [((YamlScalarNode)n).Value!]
            : new List<string>();
        object? matrix = Map(job, "strategy") is { } strategy && strategy.Children.TryGetValue(new YamlScalarNode("matrix"), out var m) ? Value(m) : null;
        var runsOn = job.Children.TryGetValue(new YamlScalarNode("runs-on"), out var r) ? r is YamlScalarNode rs ? rs.Value : r.ToString() : null;
        var steps = job.Children.TryGetValue(new YamlScalarNode("steps"), out var st) ? ((YamlSequenceNode)st).Children.Cast<YamlMappingNode>().Select(Step).ToList() : [];
        if (job.Children.ContainsKey(new YamlScalarNode("uses"))) throw new NotSupportedException($"job {id}: reusable workflows are not rehearsed");
        var workingDirectory = Map(job, "defaults") is { } d && Map(d, "run") is { } run ? Scalar(run, "working-directory") : null;
        return new JobDefinition(id, Scalar(job, "name"), needs, Scalar(job, "if"), runsOn, PermissionsOf(job), matrix,
            Strings(Map(job, "env")), Strings(Map(job, "outputs")), workingDirectory, steps);
    }

    static StepDefinition Step(YamlMappingNode step)
    {
        var uses = Scalar(step, "uses");
        var run = Scalar(step, "run");
        if ((uses is null) == (run is null)) throw new FormatException($"a step needs exactly one of uses: and run: ({Scalar(step, "name")})");
        return new StepDefinition(Scalar(step, "id"), Scalar(step, "name"), Scalar(step, "if"), uses, run, Scalar(step, "shell"),
            Scalar(step, "working-directory"), Strings(Map(step, "with")), Strings(Map(step, "env")),
            Scalar(step, "continue-on-error") == "true");
    }

    /// <summary>`permissions:` as a map; `read-all`/`write-all` and `{}` as GitHub defines them; null when absent.</summary>
    static IReadOnlyDictionary<string, string>? PermissionsOf(YamlMappingNode node)
    {
        if (!node.Children.TryGetValue(new YamlScalarNode("permissions"), out var p)) return null;
        if (p is YamlScalarNode s)
        {
            var level = s.Value switch { "read-all" => "read", "write-all" => "write", _ => throw new FormatException($"permissions: {s.Value}") };
            return new[] { "contents", "packages", "id-token", "actions", "pull-requests" }.ToDictionary(k => k, _ => level);
        }
        return Strings((YamlMappingNode)p);
    }

    static YamlMappingNode? Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode s ? s.Value : null;

    static IReadOnlyDictionary<string, string> Strings(YamlMappingNode? node) =>
        node?.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value ?? "") ?? new Dictionary<string, string>();

    /// <summary>YAML as expression values: mappings, sequences and strings (a scalar stays text, as in an expression's string form).</summary>
    static object? Value(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value,
        YamlSequenceNode seq => seq.Children.Select(Value).ToList(),
        YamlMappingNode map => map.Children.Aggregate(ExpressionValue.Object(), (o, p) => { o[((YamlScalarNode)p.Key).Value!] = Value(p.Value); return o; }),
        _ => throw new FormatException("unsupported YAML node"),
    };
}
