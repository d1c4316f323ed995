namespace Pipeline.CI;

/// <summary>A workflow with one job that runs the build's targets on a schedule and/or by hand (retention, rollback).</summary>
public static class TargetWorkflowFactory
{
    public static Workflow Create(GitHubActionsAttribute a, IReadOnlyList<GitHubActionsInputAttribute> inputAttributes)
    {
        if (a.InvokedTargets.Length == 0) throw new ArgumentException($"Workflow '{a.Name}' has no InvokedTargets; name the targets its job runs.");
        if (a.OnCronSchedule is null && !a.OnWorkflowDispatch) throw new ArgumentException($"Workflow '{a.Name}' has no trigger; set OnCronSchedule or OnWorkflowDispatch.");
        var inputs = inputAttributes.Where(i => i.Workflow == a.Name).Select(i => i.ToInput()).ToList();
        if (inputs.Count > 0 && !a.OnWorkflowDispatch) throw new ArgumentException($"Workflow '{a.Name}' has inputs but no workflow_dispatch trigger; set OnWorkflowDispatch = true.");

        var on = new Triggers(
            Schedules: a.OnCronSchedule is { } cron ? [cron] : null,
            WorkflowDispatch: a.OnWorkflowDispatch ? inputs : null);

        var steps = new List<Step> { CommonSteps.Checkout(), CommonSteps.SetupDotnet(), CommonSteps.NuGetCache() };
        if (GitHubActionsWorkflowAttribute.IsSelfHosted(a.RunsOn)) steps.Add(CommonSteps.RunnerHygiene());
        if (a.InstallCosign) steps.Add(CommonSteps.SetupCosign());
        if (a.RegistryLogin) steps.Add(CommonSteps.RegistryLogin(a.Registry));
        var parameters = inputs.Select(i => (i.Parameter, InputValue(i))).ToList();
        parameters.Add((a.RegistryParameter, a.Registry));
        steps.Add(CommonSteps.Build(string.Join(", ", a.InvokedTargets), a.InvokedTargets, parameters,
            a.EnableGitHubToken ? new Dictionary<string, string> { ["GITHUB_TOKEN"] = CommonSteps.GitHubToken } : null));
        if (a.RegistryLogin) steps.Add(CommonSteps.RegistryLogout(a.Registry));

        var permissions = new Dictionary<string, string> { ["contents"] = "read" };
        foreach (var scope in a.WritePermissions) permissions[scope] = "write";
        var job = new Job(a.Name, a.Name, new RunsOn(a.RunsOn), steps,
            Permissions: a.WritePermissions.Length > 0 ? permissions : null,
            TimeoutMinutes: a.TimeoutMinutes);
        return new Workflow(a.Name, on, CommonSteps.ReadOnly, CommonSteps.PerWorkflowAndRef, [job]);
    }

    // A scheduled run has no inputs: a boolean then falls back to false (the build's CI behaviour), never to an empty argument.
    private static string InputValue(DispatchInput input) => input.Type == WorkflowInputType.Boolean
        ? $"${{{{ inputs.{input.Name} || false }}}}"
        : $"${{{{ inputs.{input.Name} }}}}";
}
