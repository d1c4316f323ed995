using System.Text;

namespace Pipeline.Host;

/// <summary>--help: targets with their direct dependencies, then parameters (the build's own first, then NUKE's base ones).</summary>
internal static class HelpText
{
    /// <param name="defaults">Each parameter's value before binding, so --help shows defaults, not this run's values.</param>
    public static string Render(IReadOnlyList<ExecutableTarget> targets, IReadOnlyList<ParameterMember> parameters, IReadOnlyDictionary<string, object?> defaults)
    {
        var sb = new StringBuilder("Targets (with their direct dependencies):\n\n");
        var listed = targets.Where(t => t.Listed).OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var width = listed.Select(t => t.Name.Length + (t.IsDefault ? " (default)".Length : 0)).DefaultIfEmpty(0).Max();
        foreach (var t in listed)
        {
            var name = t.Name + (t.IsDefault ? " (default)" : "");
            var deps = t.ExecutionDependencies.Count > 0 ? "  -> " + string.Join(", ", t.ExecutionDependencies.Select(d => d.Name)) : "";
            sb.Append($"  {name.PadRight(width)}{deps}".TrimEnd()).Append('\n');
            if (t.Description is { } d) sb.Append($"      {d}\n");
        }
        sb.Append("\nParameters:\n");
        var flagWidth = parameters.Max(p => FlagText(p).Length) + 2;
        string? ReadBy(ParameterMember p) => ParameterReaders.ReadersOf(p, targets) is { Count: > 0 } readers ? "read by: " + string.Join(", ", readers.Select(r => r.Name)) : null;
        foreach (var group in new[] { parameters.Where(p => !p.IsBase), parameters.Where(p => p.IsBase) })
        {
            sb.Append('\n');
            foreach (var p in group)
            {
                sb.Append($"  {FlagText(p).PadRight(flagWidth)}{p.Description}".TrimEnd()).Append('\n');
                var details = new List<string>();
                if (FlagValues(p.Type) is { } allowed) details.Add("values: " + string.Join(", ", allowed));
                if (p.IsSecret) details.Add("secret, never shown");
                else if (DefaultText(defaults.GetValueOrDefault(p.Name)) is { } def) details.Add("default: " + def);
                details.Add("env: " + p.EnvironmentVariable);
                if (ReadBy(p) is { } readBy) details.Add(readBy);
                sb.Append($"  {"".PadRight(flagWidth)}({string.Join("; ", details)})\n");
            }
        }
        return sb.ToString();
    }

    private static string FlagText(ParameterMember p) => p.IsBoolean ? p.Flag : $"{p.Flag} <{TypeText(p.Type)}>";

    internal static string TypeText(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsArray) return TypeText(t.GetElementType()!) + "...";
        return t == typeof(string) ? "string" : t == typeof(bool) ? "bool" : t == typeof(int) ? "int" : t == typeof(TimeSpan) ? "duration" : ParsedArguments.ToKebabCase(t.Name);
    }

    /// <summary>
    /// The values as a user types them on the command line (help, error lines): enums in kebab case, as the workflows
    /// and README spell them (--cache registry-read; either spelling parses). The schema keeps NUKE's enum names.
    /// </summary>
    internal static IReadOnlyList<string>? FlagValues(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsArray) t = Nullable.GetUnderlyingType(t.GetElementType()!) ?? t.GetElementType()!;
        return AllowedValues(type) is { } values && t.IsEnum ? values.Select(ParsedArguments.ToKebabCase).ToList() : AllowedValues(type);
    }

    internal static IReadOnlyList<string>? AllowedValues(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsArray) t = Nullable.GetUnderlyingType(t.GetElementType()!) ?? t.GetElementType()!;
        if (t.IsEnum) return Enum.GetNames(t).Order(StringComparer.Ordinal).ToList();
        if (typeof(Enumeration).IsAssignableFrom(t)) return Enumeration.AllOf(t).Select(e => e.Value).Order(StringComparer.Ordinal).ToList();
        return null;
    }

    private static string? DefaultText(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : null,
        TimeSpan ts => ts.ToString("c"),
        string s when s.Length == 0 => null,
        Enum e => ParsedArguments.ToKebabCase(e.ToString()),
        System.Collections.IEnumerable e and not string => string.Join(" ", e.Cast<object>()) is { Length: > 0 } j ? j : null,
        _ => value.ToString(),
    };
}

/// <summary>--plan: the execution plan in order, each target with its reason to run (or why it is skipped).</summary>
internal static class PlanText
{
    /// <param name="missing">Flags of required parameters that have no value, per target.</param>
    public static string Render(IReadOnlyList<PlannedTarget> plan, Func<ExecutableTarget, IEnumerable<string>> missing)
    {
        var sb = new StringBuilder("Execution plan:\n");
        var width = plan.Count == 0 ? 0 : plan.Max(p => p.Target.Name.Length);
        for (var i = 0; i < plan.Count; i++)
        {
            var (t, reason) = (plan[i].Target, plan[i].Reason);
            var state = t.Status switch
            {
                TargetStatus.Skipped => $"skipped ({t.SkipReason})",
                TargetStatus.Succeeded => "succeeded in the last run (--continue)",
                _ => reason + string.Concat(missing(t).Select(flag => $"; needs {flag} (not set)")) + Produces(t),
            };
            sb.Append($"  {i + 1}. {t.Name.PadRight(width)}  {state}\n");
        }
        return sb.ToString();
    }

    /// <summary>What a target that will run writes, relative to the root when under it (so --artifacts shows).</summary>
    static string Produces(ExecutableTarget target) => target.ProducedPaths.Count == 0 ? ""
        : "; produces " + string.Join(", ", target.ProducedPaths.Select(RelativeToRoot));

    static string RelativeToRoot(string path)
    {
        if (!Path.IsPathRooted(path)) return path;
        var relative = Path.GetRelativePath(NukeBuild.RootDirectory, path);
        return (relative.StartsWith("..", StringComparison.Ordinal) ? path : relative).Replace('\\', '/');
    }
}

/// <summary>How long a whole run took (process start to summary) and how much of it the up-front checks took.</summary>
internal sealed record RunTimes(TimeSpan Total, TimeSpan UpFrontChecks);

/// <summary>
/// The table at the end of a run: target, status, duration, notes, and the run's total. The total is the run's wall time
/// (start-up, up-front checks, planning and every target), not the sum of the rows, which misses what ran between them.
/// </summary>
internal static class SummaryText
{
    public static string Render(IReadOnlyList<PlannedTarget> plan, bool succeeded, DateTime now, RunTimes times)
    {
        var rows = plan.Select(p => p.Target).ToList();
        var width = Math.Max(6, rows.Count == 0 ? 0 : rows.Max(t => t.Name.Length));
        var rule = new string('═', width + 30);
        var sb = new StringBuilder("\n").Append(rule).Append('\n');
        sb.Append($"{"Target".PadRight(width)}  {"Status",-10}  Duration\n").Append(new string('─', width + 30)).Append('\n');
        foreach (var t in rows)
        {
            var notes = t.SummaryNotes.Count > 0 ? "   // " + string.Join(", ", t.SummaryNotes.Select(kv => $"{kv.Key}: {kv.Value}")) : "";
            var status = t.Status == TargetStatus.None ? TargetStatus.NotRun : t.Status;
            var duration = status is TargetStatus.Succeeded or TargetStatus.Failed or TargetStatus.Aborted or TargetStatus.Collective ? Format(t.Duration) : "";
            sb.Append($"{t.Name.PadRight(width)}  {status,-10}  {duration}{notes}".TrimEnd()).Append('\n');
        }
        sb.Append(new string('─', width + 30)).Append('\n');
        sb.Append($"{"Total".PadRight(width)}  {"",-10}  {Format(times.Total)}   // up-front checks: {Format(times.UpFrontChecks)}\n");
        sb.Append(rule).Append('\n');
        // Only an interruption aborts a running target (Interruption): the run did not fail, the user stopped it.
        var outcome = succeeded ? "succeeded" : rows.Any(t => t.Status == TargetStatus.Aborted) ? "interrupted" : "failed";
        sb.Append($"\nBuild {outcome} on ").Append(now.ToString("yyyy-MM-dd HH:mm:ss")).Append(".\n");
        return sb.ToString();
    }

    internal static string Format(TimeSpan d) => d < TimeSpan.FromSeconds(1) ? "< 1sec" : $"{(int)d.TotalMinutes}:{d.Seconds:00}";
}

/// <summary>
/// --continue: remembers which targets succeeded for an invocation under .nuke/temp/. The invocation is stored with
/// every secret parameter's value replaced by ****, so a password given on the command line never reaches the file.
/// </summary>
internal static class ContinueState
{
    private static string File_ => NukeBuild.TemporaryDirectory / "build-attempt.log";

    /// <param name="isSecret">Whether a normalised parameter name is a [Secret] parameter.</param>
    internal static string Invocation(string[] args, Func<string, bool> isSecret)
    {
        var kept = new List<string>();
        var masking = false;
        foreach (var arg in args)
        {
            if (arg.Equals("--continue", StringComparison.OrdinalIgnoreCase) || arg.Equals("-continue", StringComparison.OrdinalIgnoreCase)) { masking = false; continue; }
            if (arg.StartsWith('-') && arg.Length > 1 && !double.TryParse(arg, out _))
            {
                masking = isSecret(ParsedArguments.Normalize(arg));
                kept.Add(arg);
            }
            else kept.Add(masking ? "****" : arg);
        }
        return string.Join(" ", kept);
    }

    public static void MarkSucceeded(string[] args, Func<string, bool> isSecret, IReadOnlyList<PlannedTarget> plan)
    {
        if (!File.Exists(File_)) return;
        var lines = File.ReadAllLines(File_);
        if (lines.Length == 0 || lines[0] != Invocation(args, isSecret)) return;
        foreach (var p in plan.Where(p => lines.Skip(1).Contains(p.Target.Name))) p.Target.Status = TargetStatus.Succeeded;
    }

    public static void Save(string[] args, Func<string, bool> isSecret, IReadOnlyList<PlannedTarget> plan)
    {
        Directory.CreateDirectory(NukeBuild.TemporaryDirectory);
        File.WriteAllLines(File_, plan.Where(p => p.Target.Status is TargetStatus.Succeeded or TargetStatus.Collective).Select(p => p.Target.Name).Prepend(Invocation(args, isSecret)));
    }
}
