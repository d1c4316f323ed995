namespace Pipeline.Host;

/// <summary>One scheduled target and why it runs.</summary>
internal sealed record PlannedTarget(ExecutableTarget Target, string Reason);

/// <summary>Turns the invoked targets into an ordered plan that honours every relation (NUKE's ExecutionPlanner).</summary>
internal static class ExecutionPlanner
{
    public static IReadOnlyList<PlannedTarget> Plan(IReadOnlyList<ExecutableTarget> all, IReadOnlyList<ExecutableTarget> invoked)
    {
        ThrowOnCycle(all);

        var reasons = new Dictionary<ExecutableTarget, string>();
        var queue = new Queue<ExecutableTarget>();
        foreach (var t in invoked)
        {
            reasons[t] = t.IsDefault ? "default target" : "invoked";
            queue.Enqueue(t);
        }
        while (queue.Count > 0)
        {
            var t = queue.Dequeue();
            foreach (var d in t.ExecutionDependencies.Where(d => !reasons.ContainsKey(d)))
            {
                reasons[d] = $"dependency of {t.Name}";
                queue.Enqueue(d);
            }
            foreach (var d in t.Triggers.Where(d => !reasons.ContainsKey(d)))
            {
                reasons[d] = $"triggered by {t.Name}";
                queue.Enqueue(d);
            }
        }

        // Kahn's algorithm over the scheduled targets; ties go to declaration order so plans are stable.
        var scheduled = reasons.Keys.ToHashSet();
        var before = scheduled.ToDictionary(t => t, t => Predecessors(t, all).Where(scheduled.Contains).ToHashSet());
        var ordered = new List<PlannedTarget>();
        while (before.Count > 0)
        {
            var next = before.Where(kv => kv.Value.Count == 0).Select(kv => kv.Key).OrderBy(t => t.DeclarationIndex).First();
            ordered.Add(new PlannedTarget(next, reasons[next]));
            before.Remove(next);
            foreach (var set in before.Values) set.Remove(next);
        }
        return ordered;
    }

    /// <summary>Targets that must come before <paramref name="target"/> when both are scheduled.</summary>
    private static IEnumerable<ExecutableTarget> Predecessors(ExecutableTarget target, IReadOnlyList<ExecutableTarget> all) =>
        target.ExecutionDependencies
            .Concat(target.OrderDependencies)
            .Concat(all.Where(t => t.Triggers.Contains(target)));

    /// <summary>A cycle through any relation fails at start, naming the targets.</summary>
    internal static void ThrowOnCycle(IReadOnlyList<ExecutableTarget> all)
    {
        var state = new Dictionary<ExecutableTarget, int>(); // 1 = visiting, 2 = done
        var path = new Stack<ExecutableTarget>();
        void Visit(ExecutableTarget t)
        {
            state[t] = 1;
            path.Push(t);
            foreach (var p in Predecessors(t, all))
            {
                if (state.GetValueOrDefault(p) == 1)
                {
                    var cycle = path.TakeWhile(x => x != p).Reverse().Prepend(p).Append(p).Select(x => x.Name);
                    throw new BuildConfigurationException($"Circular dependency between targets: {string.Join(" -> ", cycle)} (each must run after the next); remove one of these relations.");
                }
                if (state.GetValueOrDefault(p) == 0) Visit(p);
            }
            path.Pop();
            state[t] = 2;
        }
        foreach (var t in all.Where(t => state.GetValueOrDefault(t) == 0)) Visit(t);
    }
}
