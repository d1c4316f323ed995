namespace Pipeline.Host;

/// <summary>
/// Which targets read which parameter, as they declare it (<c>.Reads(() => X)</c> and <c>.Requires(() => X)</c>). A flag
/// given on the command line that only targets outside the plan read would be accepted and ignored: it is refused
/// before anything runs, one line per flag (exit 2). A target --skip leaves out is still in the plan (--skip says out
/// loud that it does not run, and `Publish --skip` stays a one-word change to any Publish command line). Values from
/// the environment or parameter files are never refused (a profile or a CI-wide variable serves many invocations), nor
/// NUKE's base parameters, nor a parameter no target declares (the build reads it elsewhere).
/// </summary>
internal static class ParameterReaders
{
    /// <summary>The member names <paramref name="target"/> declares it reads: its Reads and its Requires.</summary>
    public static IReadOnlySet<string> Of(ExecutableTarget target) =>
        target.Definition.ReadParameters.Concat(target.Definition.Requirements).Select(NukeBuild.MemberName).ToHashSet(StringComparer.Ordinal);

    /// <summary>The targets that read <paramref name="parameter"/>, in declaration order.</summary>
    public static IReadOnlyList<ExecutableTarget> ReadersOf(ParameterMember parameter, IReadOnlyList<ExecutableTarget> targets) =>
        targets.Where(t => Of(t).Contains(parameter.Member.Name)).ToList();

    /// <summary>One line per flag on the command line that no target of <paramref name="planned"/> reads.</summary>
    public static IReadOnlyList<string> UnreadFlags(ParsedArguments arguments, IReadOnlyList<ParameterMember> parameters, IReadOnlyList<ExecutableTarget> targets,
        IReadOnlyCollection<ExecutableTarget> planned)
    {
        var problems = new List<string>();
        foreach (var parameter in parameters.Where(p => !p.IsBase && arguments.Parameters.ContainsKey(ParsedArguments.Normalize(p.Name))))
        {
            var readers = ReadersOf(parameter, targets);
            if (readers.Count == 0 || readers.Any(planned.Contains)) continue;
            var names = string.Join(", ", readers.Select(r => r.Name));
            problems.Add(readers.Count == 1
                ? $"{parameter.Flag} is read by {names}, which does not run; drop it or run {readers[0].Name}."
                : $"{parameter.Flag} is read by {names}, none of which runs; drop it or run one of them.");
        }
        return problems;
    }
}
