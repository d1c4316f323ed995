namespace Integration.Tests.Rehearsal;

/// <summary>
/// Runs a workflow on this machine as GitHub Actions would for one event: jobs in `needs` order, each job's `if:`
/// with the status of its needs, matrix jobs once per combination, `needs.&lt;job&gt;.result/outputs` from what ran.
/// Each job instance runs in a <see cref="JobRun"/>.
/// </summary>
public sealed class WorkflowRehearsal(WorkflowDefinition workflow, RehearsalMachine machine)
{
    public async Task<RehearsalReport> RunAsync(RehearsalEvent @event)
    {
        if (workflow.RefusesEvent(@event) is { } refusal) throw new InvalidOperationException("GitHub would not run this: " + refusal);
        Directory.CreateDirectory(machine.RunDirectory);
        var artifacts = new ArtifactStore(Path.Combine(machine.RunDirectory, "artifacts"));
        var vars = machine.VariablesNow();
        var needsContext = ExpressionValue.Object();
        var reports = new List<JobReport>();
        var leftOut = new List<string>();
        var instance = 0;
        foreach (var job in workflow.InNeedsOrder())
        {
            var needs = job.Needs.Aggregate(ExpressionValue.Object(), (n, id) => { n[id] = needsContext[id]; return n; });
            var results = job.Needs.Select(id => (string)((IReadOnlyDictionary<string, object?>)needsContext[id]!)["result"]!).ToList();
            var status = results.Any(r => r is "failure") ? JobStatus.Failure : results.Any(r => r is "cancelled") ? JobStatus.Cancelled
                : results.Any(r => r is "skipped") ? JobStatus.NeedSkipped : JobStatus.Success;
            var contexts = Contexts(@event, vars, needs, ExpressionValue.Object());
            var evaluator = new ExpressionEvaluator(contexts, status);
            var runs = evaluator.Condition(job.If);
            if (!runs)
            {
                machine.Log($"=== job {job.Id}: skipped (if: {job.If ?? "success()"})");
                needsContext[job.Id] = Result("skipped", ExpressionValue.Object());
                reports.Add(new JobReport(job.Id, job.Id, "skipped", new Dictionary<string, string>(), [], []));
                continue;
            }
            var jobResults = new List<string>();
            var outputs = ExpressionValue.Object();
            foreach (var combination in MatrixExpansion.Expand(job.Matrix, evaluator))
            {
                var display = job.Name is null ? job.Id : new ExpressionEvaluator(Contexts(@event, vars, needs, combination)).InterpolateText(job.Name);
                if (!machine.RunsCombination(combination))
                {
                    leftOut.Add($"{job.Id}: {display}");
                    continue;
                }
                var run = new JobRun(workflow, job, combination, display, @event, machine, artifacts, Contexts(@event, vars, needs, combination), ++instance);
                var report = await run.RunAsync();
                reports.Add(report);
                jobResults.Add(report.Result);
                foreach (var (name, value) in run.Outputs) outputs[name] = value;
            }
            var result = jobResults.Count == 0 ? "skipped" : jobResults.Any(r => r == "failure") ? "failure" : "success";
            needsContext[job.Id] = Result(result, outputs);
        }
        return new RehearsalReport(reports, leftOut);
    }

    static Dictionary<string, object?> Result(string result, Dictionary<string, object?> outputs)
    {
        var value = ExpressionValue.Object();
        value["result"] = result;
        value["outputs"] = outputs;
        return value;
    }

    Dictionary<string, object?> Contexts(RehearsalEvent @event, Dictionary<string, object?> vars, Dictionary<string, object?> needs,
        IReadOnlyDictionary<string, object?> matrix)
    {
        var github = ExpressionValue.Object();
        github["event_name"] = @event.Name;
        github["event"] = @event.Payload;
        github["ref"] = @event.Ref;
        github["ref_name"] = @event.Ref.Split('/', 3)[^1];
        github["sha"] = @event.Sha;
        github["repository"] = @event.Repository;
        github["repository_owner"] = @event.Owner;
        github["workflow"] = workflow.Name;
        github["actor"] = "rehearsal-actor";
        github["server_url"] = "https://github.com";
        github["run_id"] = "4242";
        github["run_number"] = "1";
        github["run_attempt"] = "1";
        var contexts = ExpressionValue.Object();
        contexts["github"] = github;
        contexts["vars"] = vars;
        contexts["needs"] = needs;
        contexts["matrix"] = new Dictionary<string, object?>(matrix, StringComparer.OrdinalIgnoreCase);
        // workflow_dispatch: the inputs the run was started with (an input left out is null, as an unset one reads).
        contexts["inputs"] = @event.Payload.TryGetValue("inputs", out var inputs) && inputs is Dictionary<string, object?> given ? given : ExpressionValue.Object();
        contexts["strategy"] = ExpressionValue.Object();
        return contexts;
    }
}
