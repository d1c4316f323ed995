using System.Diagnostics;
using System.Text.Json;
using Serilog;

namespace Pipeline.Host;

/// <summary>Parses, binds, plans and runs a build; returns the process exit code.</summary>
internal static class BuildExecutor
{
    public static int Run(NukeBuild build, string[] args, string[] defaultTargetNames, IReadOnlyDictionary<string, string> environment, TextWriter console)
    {
        try
        {
            var arguments = ParsedArguments.Parse(args);
            var root = LocateRoot(arguments, environment);
            NukeBuild.RootDirectory = root;
            var parameters = ParameterMember.Discover(build.GetType());
            ThrowOnUnknownParameters(arguments, parameters);

            var files = new List<IReadOnlyDictionary<string, JsonElement>> { NukeBuild.ReadParameterFile(root / ".nuke" / "parameters.json") };
            var preliminary = new ParameterBinder(arguments, environment, files);
            foreach (var profile in preliminary.Lookup("Profile") ?? [])
            {
                var path = root / ".nuke" / $"parameters.{profile}.json";
                if (!path.FileExists()) throw new BuildInputException($"Profile '{profile}' not found: create .nuke/parameters.{profile}.json or drop --profile {profile}.");
                files.Add(NukeBuild.ReadParameterFile(path));
            }
            var binder = new ParameterBinder(arguments, environment, files);
            binder.Bind(build, parameters);
            foreach (var secret in parameters.Where(p => p.IsSecret)) SecretMasker.Register(secret.GetValue(build) as string);
            if (build.HostOverride is { } hostOverride) NukeBuild.Host = hostOverride;

            Logging.Level.MinimumLevel = Logging.ToLevel(build.Verbosity);
            Logging.Configure(NukeBuild.TemporaryDirectory, console);
            foreach (var warning in binder.Warnings) Log.Warning("{Warning:l}", warning);
            if (NukeBuild.Host == HostKind.GitHubActions)
                foreach (var secret in parameters.Where(p => p.IsSecret).Select(p => p.GetValue(build) as string).Where(s => !string.IsNullOrEmpty(s)))
                    console.WriteLine($"::add-mask::{secret}");

            var targets = ExecutableTarget.Discover(build);
            foreach (var name in defaultTargetNames) targets.Single(t => t.Name == name).IsDefault = true;
            SchemaWriter.Write(root / ".nuke" / "build.schema.json", targets, parameters);

            if (build.Help)
            {
                console.Write(HelpText.Render(targets, parameters, build));
                return 0;
            }

            var invoked = ResolveInvoked(arguments, build, targets);
            var plan = ExecutionPlanner.Plan(targets, invoked);
            ApplySkips(build, plan, invoked, targets);
            if (build.Continue) ContinueState.MarkSucceeded(args, plan);

            if (build.Plan)
            {
                console.Write(PlanText.Render(plan));
                return 0;
            }

            if (!build.NoLogo) NukeBuild.LogInfo("devcontainer-pipeline build");
            CheckRequirements(build, plan, parameters);
            EvaluateStaticConditions(plan);
            build.GetType().GetMethod("OnBuildInitialized", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.Invoke(build, null);
            var ok = Execute(build, plan, console);
            ContinueState.Save(args, plan);
            console.Write(SummaryText.Render(plan, ok, DateTime.Now));
            return ok ? 0 : 1;
        }
        catch (Exception e) when (e is BuildInputException or BuildConfigurationException or Tooling.ToolNotFoundException)
        {
            console.WriteLine($"ERROR: {SecretMasker.Mask(e.Message)}");
            return 2;
        }
        finally
        {
            Log.CloseAndFlush();
        }
    }

    private static AbsolutePath LocateRoot(ParsedArguments arguments, IReadOnlyDictionary<string, string> environment)
    {
        if (arguments.Parameters.TryGetValue("root", out var rootValues) && rootValues.Length == 1)
            return AbsolutePath.Create(rootValues[0]);
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, ".nuke")))
                return AbsolutePath.Create(dir.FullName);
        throw new BuildInputException($"Could not locate '.nuke' walking up from '{Directory.GetCurrentDirectory()}'; run from inside the repository or pass --root.");
    }

    private static void ThrowOnUnknownParameters(ParsedArguments arguments, IReadOnlyList<ParameterMember> parameters)
    {
        var known = parameters.Select(p => ParsedArguments.Normalize(p.Name)).ToHashSet();
        foreach (var name in arguments.Parameters.Keys.Where(k => !known.Contains(k)))
        {
            var closest = Closest(name, parameters.Select(p => p.Flag));
            throw new BuildInputException($"Unknown parameter '{arguments.Spellings[name]}'; did you mean '{closest}'? See --help.");
        }
    }

    private static List<ExecutableTarget> ResolveInvoked(ParsedArguments arguments, NukeBuild build, IReadOnlyList<ExecutableTarget> targets)
    {
        var names = build.Target is { Length: > 0 } explicitTargets ? explicitTargets.SelectMany(t => t.Split('+')).ToList() : arguments.PositionalTargets;
        if (names.Count == 0) return targets.Where(t => t.IsDefault).ToList();
        return names.Select(n => FindTarget(n, targets)).Distinct().ToList();
    }

    internal static ExecutableTarget FindTarget(string name, IReadOnlyList<ExecutableTarget> targets) =>
        targets.FirstOrDefault(t => ParsedArguments.Normalize(t.Name) == ParsedArguments.Normalize(name))
        ?? throw new BuildInputException($"Unknown target '{name}'; did you mean '{Closest(name, targets.Select(t => t.Name))}'? Targets: {string.Join(", ", targets.Where(t => t.Listed).Select(t => t.Name))}.");

    private static void ApplySkips(NukeBuild build, IReadOnlyList<PlannedTarget> plan, List<ExecutableTarget> invoked, IReadOnlyList<ExecutableTarget> targets)
    {
        if (build.Skip is null) return;
        var scheduled = plan.Select(p => p.Target).ToList();
        var skipped = build.Skip.Length == 0
            ? scheduled.Where(t => !invoked.Contains(t))
            : build.Skip.Select(n => FindTarget(n, targets)).Where(t => scheduled.Contains(t) && !invoked.Contains(t));
        foreach (var t in skipped.ToList())
        {
            t.Status = TargetStatus.Skipped;
            t.SkipReason = "--skip";
        }
    }

    private static void CheckRequirements(NukeBuild build, IReadOnlyList<PlannedTarget> plan, IReadOnlyList<ParameterMember> parameters)
    {
        foreach (var t in plan.Select(p => p.Target).Where(t => t.Status != TargetStatus.Skipped))
        foreach (var requirement in t.Definition.Requirements)
        {
            if (ParameterBinder.HasValue(requirement.Compile()())) continue;
            var member = NukeBuild.MemberName(requirement);
            var p = parameters.FirstOrDefault(x => x.Member.Name == member);
            var hint = p is null ? member : $"pass {p.Flag} or set {p.EnvironmentVariable}";
            throw new BuildInputException($"Target '{t.Name}' requires parameter '{p?.Name ?? member}': {hint}.");
        }
    }

    private static void EvaluateStaticConditions(IReadOnlyList<PlannedTarget> plan)
    {
        foreach (var t in plan.Select(p => p.Target).Where(t => t.Status == TargetStatus.None))
        {
            var failed = t.Definition.StaticConditions.FirstOrDefault(c => !c.Compile()());
            if (failed is null) continue;
            t.Status = TargetStatus.Skipped;
            t.SkipReason = $"condition {failed.Body} is false";
        }
    }

    private static bool Execute(NukeBuild build, IReadOnlyList<PlannedTarget> plan, TextWriter console)
    {
        var stopping = false;
        foreach (var t in plan.Select(p => p.Target))
        {
            if (t.Status is TargetStatus.Skipped or TargetStatus.Succeeded) continue;
            var dependencyFailed = t.ExecutionDependencies.Any(d => d.Status is TargetStatus.Failed or TargetStatus.NotRun or TargetStatus.Aborted);
            if ((stopping || dependencyFailed) && !t.Definition.IsAssuredAfterFailure)
            {
                t.Status = TargetStatus.NotRun;
                continue;
            }
            var dynamicFalse = t.Definition.DynamicConditions.FirstOrDefault(c => !c.Compile()());
            if (dynamicFalse is not null)
            {
                t.Status = TargetStatus.Skipped;
                t.SkipReason = $"condition {dynamicFalse.Body} is false";
                Log.Information("Skipping {Target}: {Reason}", t.Name, t.SkipReason);
                continue;
            }
            var stopwatch = Stopwatch.StartNew();
            BeginGroup(t, console);
            build.SetCurrentTarget(t);
            try
            {
                foreach (var action in t.Definition.Actions) action().GetAwaiter().GetResult();
                t.Status = t.Definition.Actions.Count == 0 ? TargetStatus.Collective : TargetStatus.Succeeded;
            }
            catch (Exception e)
            {
                t.Status = TargetStatus.Failed;
                var error = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
                Log.Error("Target {Target} failed: {Message:l}", t.Name, error.Message);
                Log.Debug(error, "Details");
                if (!t.Definition.IsProceedAfterFailure) stopping = true;
            }
            finally
            {
                build.SetCurrentTarget(null);
                t.Duration = stopwatch.Elapsed;
                EndGroup(console);
            }
        }
        return plan.All(p => p.Target.Status is TargetStatus.Succeeded or TargetStatus.Skipped or TargetStatus.Collective);
    }

    private static void BeginGroup(ExecutableTarget t, TextWriter console)
    {
        if (NukeBuild.Host == HostKind.GitHubActions) console.WriteLine($"::group::{t.Name}");
        else console.WriteLine($"\n═══ {t.Name} ═══");
    }

    private static void EndGroup(TextWriter console)
    {
        if (NukeBuild.Host == HostKind.GitHubActions) console.WriteLine("::endgroup::");
    }

    /// <summary>The candidate with the smallest edit distance, for "did you mean" hints.</summary>
    internal static string Closest(string input, IEnumerable<string> candidates)
    {
        var normalized = ParsedArguments.Normalize(input);
        return candidates.OrderBy(c => Levenshtein(normalized, ParsedArguments.Normalize(c))).FirstOrDefault() ?? "";
    }

    private static int Levenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
