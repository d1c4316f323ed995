namespace Integration.Tests.Rehearsal;

/// <summary>
/// `strategy.matrix` → the job's combinations, by GitHub's rules: the cartesian product of the vectors, minus every
/// combination an `exclude` entry matches, then each `include` entry added to every combination it does not
/// overwrite an original value of (or as a combination of its own when it fits none). A matrix (or a vector) given as
/// an expression, e.g. `${{ fromJSON(needs.plan.outputs.matrix) }}`, is evaluated first.
/// </summary>
public static class MatrixExpansion
{
    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> Expand(object? matrix, ExpressionEvaluator evaluator)
    {
        if (matrix is null) return [ExpressionValue.Object()];
        if (matrix is string expression) matrix = evaluator.Interpolate(expression);
        if (matrix is not IReadOnlyDictionary<string, object?> map) throw new FormatException("strategy.matrix is not a mapping");

        var combinations = new List<Dictionary<string, object?>> { ExpressionValue.Object() };
        foreach (var (key, raw) in map.Where(p => !IsKeyword(p.Key, "include") && !IsKeyword(p.Key, "exclude")))
        {
            var vector = raw is string text ? evaluator.Interpolate(text) : raw;
            if (vector is not IReadOnlyList<object?> values || values.Count == 0) throw new FormatException($"matrix vector '{key}' is not a non-empty list");
            combinations = combinations.SelectMany(c => values.Select(v => new Dictionary<string, object?>(c, StringComparer.OrdinalIgnoreCase) { [key] = v })).ToList();
        }
        if (map.Keys.All(k => IsKeyword(k, "include") || IsKeyword(k, "exclude"))) combinations.Clear();

        foreach (var exclude in Entries(map, "exclude", evaluator))
            combinations.RemoveAll(c => exclude.All(p => c.TryGetValue(p.Key, out var v) && Same(v, p.Value)));

        var originals = combinations.Select(c => new HashSet<string>(c.Keys, StringComparer.OrdinalIgnoreCase)).ToList();
        foreach (var include in Entries(map, "include", evaluator))
        {
            var matched = false;
            for (var i = 0; i < originals.Count; i++)
            {
                var combination = combinations[i];
                if (include.Any(p => originals[i].Contains(p.Key) && !Same(combination[p.Key], p.Value))) continue;
                foreach (var (key, value) in include) combination[key] = value;
                matched = true;
            }
            if (!matched) combinations.Add(new Dictionary<string, object?>(include, StringComparer.OrdinalIgnoreCase));
        }
        if (combinations.Count == 0) throw new FormatException("the matrix has no combinations");
        return combinations;
    }

    static IEnumerable<IReadOnlyDictionary<string, object?>> Entries(IReadOnlyDictionary<string, object?> map, string keyword, ExpressionEvaluator evaluator)
    {
        var raw = map.FirstOrDefault(p => IsKeyword(p.Key, keyword)).Value;
        if (raw is string text) raw = evaluator.Interpolate(text);
        return raw switch
        {
            null => [],
            IReadOnlyList<object?> list => list.Select(e => e as IReadOnlyDictionary<string, object?> ?? throw new FormatException($"matrix {keyword} entry is not a mapping")),
            _ => throw new FormatException($"matrix {keyword} is not a list"),
        };
    }

    static bool IsKeyword(string key, string keyword) => string.Equals(key, keyword, StringComparison.OrdinalIgnoreCase);

    static bool Same(object? left, object? right) =>
        left is string or double or bool or null && right is string or double or bool or null
            ? ExpressionValue.LooseEquals(left, right)
            : ExpressionValue.ToJson(left) == ExpressionValue.ToJson(right);
}
