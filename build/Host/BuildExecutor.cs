using System.Diagnostics;
using System.Text.Json;
using Serilog;

namespace Pipeline.Host;

/// <summary>Parses, binds, plans and runs a build; returns the process exit code (0 success, 1 a target failed, 2 bad input, 130 interrupted).</summary>
internal static class BuildExecutor
{
    public const int Succeeded = 0, TargetFailed = 1, InvalidInput = 2;

    /// <param name="elapsedBeforeRun">Time the process spent before this call (its start-up), so the summary's total is the whole run.</param>
    public static int Run(NukeBuild build, string[] args, string[] defaultTargetNames, IReadOnlyDictionary<string, string> environment, TextWriter console,
        TimeSpan elapsedBeforeRun = default)
    {
        var clock = Stopwatch.StartNew();
        SecretMasker.Clear();
        Interruption.Reset();
        Console.CancelKeyPress += Interruption.OnCancelKeyPress;
        try
        {
            var parameters = ParameterMember.Discover(build.GetType());
            var flags = parameters.Where(p => p.IsBoolean).Select(p => ParsedArguments.Normalize(p.Name)).ToHashSet();
            var arguments = ParsedArguments.Parse(args, flags.Contains);
            ThrowOnUnknownParameters(arguments, parameters);
            var defaults = parameters.ToDictionary(p => p.Name, p => p.GetValue(build));

            var root = LocateRoot(arguments);
            NukeBuild.RootDirectory = root;
            var binder = CreateBinder(root, arguments, environment, parameters.Single(p => p.IsBase && p.Name == nameof(NukeBuild.Profile)));
            build.GivenParameters = binder.Bind(build, parameters);
            var secretNames = parameters.Where(p => p.IsSecret).Select(p => ParsedArguments.Normalize(p.Name)).ToHashSet();
            binder.WarnAboutUnknownKeys(parameters);
            foreach (var secret in parameters.Where(p => p.IsSecret)) SecretMasker.Register(secret.GetValue(build) as string, declared: true);
            NukeBuild.Host = build.HostOverride ?? NukeBuild.DetectHost(environment.GetValueOrDefault);
            NukeBuild.IsServerBuild = NukeBuild.Host != HostKind.Terminal || environment.GetValueOrDefault("CI") == "true";

            Logging.Level.MinimumLevel = Logging.ToLevel(build.Verbosity);
            Logging.Configure(build.LogFilePath, console, NukeBuild.Host);
            foreach (var warning in binder.Warnings) Log.Warning("{Warning:l}", warning);
            if (NukeBuild.Host == HostKind.GitHubActions)
                foreach (var secret in SecretMasker.Registered) console.WriteLine($"::add-mask::{secret}");

            var targets = ExecutableTarget.Discover(build);
            foreach (var name in defaultTargetNames) targets.Single(t => t.Name == name).IsDefault = true;
            ExecutionPlanner.ThrowOnCycle(targets);
            build.Declare(targets);
            SchemaWriter.Write(root / ".nuke" / "build.schema.json", targets, parameters);

            if (build.Help)
            {
                console.Write(HelpText.Render(targets, parameters, defaults));
                return Succeeded;
            }

            var invoked = ResolveInvoked(arguments, build, targets);
            var plan = ExecutionPlanner.Plan(targets, invoked);
            if (build.Continue) ContinueState.MarkSucceeded(args, secretNames.Contains, plan);
            if (ParameterReaders.UnreadFlags(arguments, parameters, targets, plan.Select(p => p.Target).ToList()) is { Count: > 0 } unread)
            {
                // A flag the run would accept and ignore: one line each, nothing run or planned, exit 2.
                foreach (var problem in unread) console.WriteLine($"ERROR: {problem}");
                return InvalidInput;
            }
            ApplySkips(build, plan, invoked, targets);
            TargetRunner.EvaluateStaticConditions(plan, invoked);
            var running = plan.Where(p => p.Target.Status is not (TargetStatus.Skipped or TargetStatus.Succeeded)).Select(p => p.Target.Name).ToList();
            if (build.Plan)
            {
                console.Write(PlanText.Render(plan, t => MissingRequirements(t, parameters).Select(m => m.Parameter?.Flag ?? m.Member)));
                // What the run would refuse before anything runs, as it would (a missing requirement stops it before its checks).
                var refused = MissingRequirementProblems(plan, parameters) is { Count: > 0 } missing ? missing : build.PlanProblems(running);
                if (refused.Count > 0)
                {
                    console.WriteLine("");
                    console.WriteLine("The run would be refused before anything runs (exit 2):");
                    foreach (var problem in refused) console.WriteLine($"  {SecretMasker.Mask(problem)}");
                    return InvalidInput;
                }
                foreach (var line in build.PlannedDecisions(running)) console.WriteLine(line);
                return Succeeded;
            }

            if (MissingRequirementProblems(plan, parameters) is [var firstMissing, ..]) throw new BuildInputException(firstMissing);
            Log.Information("Log: {File:l} (every tool's full output; --verbosity verbose shows it here)", Logging.LogFileForDisplay);
            if (!build.NoLogo) Log.Information("devcontainer-pipeline build (NUKE conventions; ./build.sh --help lists targets and parameters)");
            var upFront = Stopwatch.StartNew();
            var problems = build.PreflightProblems(running);
            upFront.Stop();
            if (problems.Count > 0)
            {
                // Bad input found before any target ran: one line each, nothing touched, exit 2.
                foreach (var problem in problems)
                {
                    console.WriteLine($"ERROR: {SecretMasker.Mask(problem)}");
                    Log.ForContext(Logging.FileOnlyProperty, true).Error("{Problem:l}", problem);
                }
                return InvalidInput;
            }
            build.Initialized();
            bool ok;
            try { ok = TargetRunner.Execute(build, plan, console); }
            finally { build.Finish(); }
            ContinueState.Save(args, secretNames.Contains, plan);
            console.Write(SummaryText.Render(plan, ok, DateTime.Now, new RunTimes(elapsedBeforeRun + clock.Elapsed, upFront.Elapsed)));
            return ok ? Succeeded : Interruption.Requested ? Interruption.ExitCode : TargetFailed;
        }
        catch (Exception e) when (e is BuildInputException or BuildConfigurationException or Tooling.ToolNotFoundException)
        {
            console.WriteLine($"ERROR: {SecretMasker.Mask(e.Message)}");
            return InvalidInput;
        }
        catch (Exception e)
        {
            var error = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
            console.WriteLine($"ERROR: {SecretMasker.Mask(error.Message)}");
            console.WriteLine(SecretMasker.Mask(error.StackTrace ?? ""));
            return TargetFailed;
        }
        finally
        {
            Console.CancelKeyPress -= Interruption.OnCancelKeyPress;
            Log.CloseAndFlush();
        }
    }

    private static ParameterBinder CreateBinder(AbsolutePath root, ParsedArguments arguments, IReadOnlyDictionary<string, string> environment,
        ParameterMember profileParameter)
    {
        var files = new List<(string, IReadOnlyDictionary<string, JsonElement>)> { (".nuke/parameters.json", ReadParameterFile(root / ".nuke" / "parameters.json")) };
        foreach (var profile in new ParameterBinder(arguments, environment, files).Lookup(profileParameter)?.Values ?? [])
        {
            var path = root / ".nuke" / $"parameters.{profile}.json";
            if (!path.FileExists()) throw new BuildInputException($"Profile '{profile}' not found: create .nuke/parameters.{profile}.json or drop --profile {profile}.");
            files.Add(($".nuke/parameters.{profile}.json", ReadParameterFile(path)));
        }
        return new ParameterBinder(arguments, environment, files);
    }

    private static IReadOnlyDictionary<string, JsonElement> ReadParameterFile(AbsolutePath path)
    {
        if (!path.FileExists()) return new Dictionary<string, JsonElement>();
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return doc.RootElement.EnumerateObject().Where(p => p.Name != "$schema").ToDictionary(p => p.Name, p => p.Value.Clone());
        }
        catch (JsonException e)
        {
            throw new BuildInputException($"{path} is not valid JSON ({e.Message}); fix the file or delete it.");
        }
    }

    /// <summary>--root, else the first directory upward from the working directory (then from the build assembly) holding .nuke/.</summary>
    private static AbsolutePath LocateRoot(ParsedArguments arguments)
    {
        if (arguments.Parameters.TryGetValue("root", out var rootValues))
            return rootValues.Length == 1 && Directory.Exists(rootValues[0])
                ? AbsolutePath.Create(rootValues[0])
                : throw new BuildInputException($"--root needs one existing directory, got '{string.Join(" ", rootValues)}'.");
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, ".nuke")))
                    return AbsolutePath.Create(dir.FullName);
        throw new BuildInputException($"Could not locate '.nuke' walking up from '{Directory.GetCurrentDirectory()}'; run from inside the repository or pass --root.");
    }

    private static void ThrowOnUnknownParameters(ParsedArguments arguments, IReadOnlyList<ParameterMember> parameters)
    {
        var known = parameters.Select(p => ParsedArguments.Normalize(p.Name)).ToHashSet();
        foreach (var name in arguments.Parameters.Keys.Where(k => !known.Contains(k)))
            throw new BuildInputException($"Unknown parameter '{arguments.Spellings[name].Split('=')[0]}{(arguments.Spellings[name].Contains('=') ? "=…" : "")}'; did you mean '{Suggestions.Closest(name, parameters.Select(p => p.Flag))}'? See --help.");
    }

    private static List<ExecutableTarget> ResolveInvoked(ParsedArguments arguments, NukeBuild build, IReadOnlyList<ExecutableTarget> targets)
    {
        var names = build.Target is { Length: > 0 } explicitTargets ? explicitTargets.SelectMany(t => t.Split('+')).ToList() : arguments.PositionalTargets;
        if (names.Count == 0) return targets.Where(t => t.IsDefault).ToList();
        return names.Select(n => FindTarget(n, targets)).Distinct().ToList();
    }

    internal static ExecutableTarget FindTarget(string name, IReadOnlyList<ExecutableTarget> targets) =>
        targets.FirstOrDefault(t => ParsedArguments.Normalize(t.Name) == ParsedArguments.Normalize(name))
        ?? throw new BuildInputException($"Unknown target '{name}'; did you mean '{Suggestions.Closest(name, targets.Select(t => t.Name))}'? Targets: {string.Join(", ", targets.Where(t => t.Listed).Select(t => t.Name).Order())}.");

    /// <summary>--skip alone skips every target that was not invoked; --skip A B skips those; invoked targets never skip.</summary>
    private static void ApplySkips(NukeBuild build, IReadOnlyList<PlannedTarget> plan, List<ExecutableTarget> invoked, IReadOnlyList<ExecutableTarget> targets)
    {
        if (build.Skip is null) return;
        var named = build.Skip.Select(n => FindTarget(n, targets)).ToHashSet();
        foreach (var t in plan.Select(p => p.Target).Where(t => t.Status == TargetStatus.None && !invoked.Contains(t) && (named.Count == 0 || named.Contains(t))))
            t.Skip("--skip");
    }

    /// <summary>Requires(() => X) of every target that will run is checked before any target runs: one line per missing value.</summary>
    private static IReadOnlyList<string> MissingRequirementProblems(IReadOnlyList<PlannedTarget> plan, IReadOnlyList<ParameterMember> parameters) =>
        plan.Select(p => p.Target).Where(t => t.Status == TargetStatus.None)
            .SelectMany(t => MissingRequirements(t, parameters).Select(missing => missing.Parameter is { } p
                ? $"Target '{t.Name}' requires parameter '{p.Name}': pass {p.Flag} <value> or set {p.EnvironmentVariable}."
                : $"Target '{t.Name}' requires '{missing.Member}' to have a value."))
            .ToList();

    private static IEnumerable<(string Member, ParameterMember? Parameter)> MissingRequirements(ExecutableTarget t, IReadOnlyList<ParameterMember> parameters) =>
        t.Definition.Requirements
            .Where(r => !ParameterBinder.HasValue(r.Compile()()))
            .Select(r => NukeBuild.MemberName(r))
            .Select(member => (member, parameters.FirstOrDefault(x => x.Member.Name == member)));
}

/// <summary>"Did you mean" hints: the candidate with the smallest edit distance.</summary>
internal static class Suggestions
{
    public static string Closest(string input, IEnumerable<string> candidates)
    {
        var normalized = ParsedArguments.Normalize(input);
        return candidates.OrderBy(c => Levenshtein(normalized, ParsedArguments.Normalize(c))).ThenBy(c => c, StringComparer.Ordinal).FirstOrDefault() ?? "";
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
