using System.Diagnostics;
using System.Linq.Expressions;
using System.Text.RegularExpressions;
using Serilog;

namespace Pipeline.Host;

/// <summary>Decides which planned targets are skipped by their conditions, then runs the rest in plan order.</summary>
internal static class TargetRunner
{
    /// <summary>
    /// OnlyWhenStatic is evaluated once, before anything runs. As in NUKE, a target scheduled only for targets
    /// skipped this way (as their dependency, or triggered by them) is skipped too.
    /// </summary>
    public static void EvaluateStaticConditions(IReadOnlyList<PlannedTarget> plan, IReadOnlyList<ExecutableTarget> invoked)
    {
        foreach (var t in plan.Select(p => p.Target).Where(t => t.Status == TargetStatus.None))
            if (t.Definition.StaticConditions.FirstOrDefault(c => !c.Compile()()) is { } failed)
                t.Skip($"condition {Describe(failed)} is false", byCondition: true);

        var scheduled = plan.Select(p => p.Target).ToList();
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var t in scheduled.Where(t => t.Status == TargetStatus.None && !invoked.Contains(t)))
            {
                var neededBy = scheduled.Where(d => d.ExecutionDependencies.Contains(t) || d.Triggers.Contains(t)).ToList();
                if (neededBy.Count == 0 || !neededBy.All(d => d.SkippedByCondition)) continue;
                t.Skip($"only needed by skipped {string.Join(", ", neededBy.Select(d => d.Name))}", byCondition: true);
                changed = true;
            }
        }
    }

    /// <summary>Runs the plan; returns whether every target succeeded or was skipped.</summary>
    public static bool Execute(NukeBuild build, IReadOnlyList<PlannedTarget> plan, TextWriter console)
    {
        var stopping = false;
        foreach (var t in plan.Select(p => p.Target))
        {
            if (t.Status == TargetStatus.Skipped) Log.Information("Skipping {Target:l}: {Reason:l}", t.Name, t.SkipReason);
            if (t.Status is TargetStatus.Skipped or TargetStatus.Succeeded) continue;
            var dependencyFailed = t.ExecutionDependencies.Any(d => d.Status is TargetStatus.Failed or TargetStatus.NotRun or TargetStatus.Aborted);
            if (Interruption.Requested || ((stopping || dependencyFailed) && !t.Definition.IsAssuredAfterFailure))
            {
                t.Status = TargetStatus.NotRun;
                continue;
            }
            if (t.Definition.DynamicConditions.FirstOrDefault(c => !c.Compile()()) is { } dynamicFalse)
            {
                t.Skip($"condition {Describe(dynamicFalse)} is false", byCondition: true);
                Log.Information("Skipping {Target:l}: {Reason:l}", t.Name, t.SkipReason);
                continue;
            }
            if (!Run(build, t, console) && !t.Definition.IsProceedAfterFailure) stopping = true;
        }
        return plan.All(p => p.Target.Status is TargetStatus.Succeeded or TargetStatus.Skipped or TargetStatus.Collective);
    }

    private static bool Run(NukeBuild build, ExecutableTarget t, TextWriter console)
    {
        var stopwatch = Stopwatch.StartNew();
        if (NukeBuild.Host == HostKind.GitHubActions) console.WriteLine($"::group::{t.Name}");
        else console.WriteLine($"\n═══ {t.Name} {new string('═', Math.Max(3, 60 - t.Name.Length))}");
        build.SetCurrentTarget(t);
        try
        {
            foreach (var action in t.Definition.Actions) action().GetAwaiter().GetResult();
            t.Status = t.Definition.Actions.Count == 0 ? TargetStatus.Collective : TargetStatus.Succeeded;
            return true;
        }
        catch (Exception e) when (Interruption.Requested)
        {
            // What the tool said as it stopped ("context canceled") is the interruption's doing: the file keeps it.
            t.Status = TargetStatus.Aborted;
            Log.Error("{Interrupted:l}", Interruption.Describe($"Target {t.Name}"));
            if (NukeBuild.Host == HostKind.GitHubActions) console.WriteLine($"::error title=Target {t.Name} interrupted::{Interruption.Describe($"Target {t.Name}")}");
            Log.ForContext(Logging.FileOnlyProperty, true).Error(e, "Target {Target:l} stopped with", t.Name);
            return false;
        }
        catch (Exception e)
        {
            t.Status = TargetStatus.Failed;
            var error = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
            Log.Error("Target {Target:l} failed: {Message:l}{Log:l}", t.Name, error.Message,
                Logging.LogFileForDisplay is { } file && NukeBuild.Host != HostKind.GitHubActions && !error.Message.Contains(file, StringComparison.Ordinal)
                    ? $" (full log: {file})" : "");
            if (NukeBuild.Host == HostKind.GitHubActions)
                console.WriteLine($"::error title=Target {t.Name} failed::{SecretMasker.Mask(error.Message).ReplaceLineEndings(" ")}");
            Log.Debug(error, "Details");
            return false;
        }
        finally
        {
            build.SetCurrentTarget(null);
            t.Duration = stopwatch.Elapsed;
            if (NukeBuild.Host == HostKind.GitHubActions) console.WriteLine("::endgroup::");
        }
    }

    /// <summary>The condition's source-like text, e.g. "IsServerBuild" rather than "value(Build).IsServerBuild".</summary>
    internal static string Describe(LambdaExpression condition) =>
        Regex.Replace(condition.Body.ToString(), @"value\([^)]*\)\.", "");
}
