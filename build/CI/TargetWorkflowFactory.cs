namespace Pipeline.CI;

/// <summary>A workflow with one job that runs the build's targets on a schedule and/or by hand (retention, rollback).</summary>
public static class TargetWorkflowFactory
{
    public static Workflow Create(GitHubActionsAttribute a, IReadOnlyList<GitHubActionsInputAttribute> inputAttributes, RegistryUse use)
    {
        if (a.InvokedTargets.Length == 0) throw new ArgumentException($"Workflow '{a.Name}' has no InvokedTargets; name the targets its job runs.");
        if (a.OnCronSchedule is null && !a.OnWorkflowDispatch) throw new ArgumentException($"Workflow '{a.Name}' has no trigger; set OnCronSchedule or OnWorkflowDispatch.");
        var inputs = inputAttributes.Where(i => i.Workflow == a.Name).Select(i => i.ToInput()).ToList();
        if (inputs.Count > 0 && !a.OnWorkflowDispatch) throw new ArgumentException($"Workflow '{a.Name}' has inputs but no workflow_dispatch trigger; set OnWorkflowDispatch = true.");

        var on = new Triggers(
            Schedules: a.OnCronSchedule is { } cron ? [cron] : null,
            WorkflowDispatch: a.OnWorkflowDispatch ? inputs : null);

        var credentials = RegistryAccess.For(use, JobTrigger.Trusted);
        var movesTags = (use & (RegistryUse.Push | RegistryUse.Delete)) != 0;
        var steps = new List<Step>
        {
            CommonSteps.PrivateDockerConfig(), CommonSteps.Checkout(fullHistory: a.PinsLastKnownGood), CommonSteps.SetupDotnet(), CommonSteps.NuGetCache(),
            CommonSteps.RunnerHygieneBefore(),
        };
        // Rollback and the like only verify what was published (their tag moves are unsigned manifests): the public key at most.
        if (use.HasFlag(RegistryUse.Push)) steps.AddRange([CommonSteps.SetupCosign(), CommonSteps.RepositoryCosignKey(signs: false), CommonSteps.SetupSkopeo()]);
        if (a.RunsTrivy) steps.AddRange([CommonSteps.SetupTrivy(), CommonSteps.SetupSkopeo()]);
        if (credentials.Login) steps.Add(CommonSteps.RegistryLogin(a.Registry));
        if (a.PinsLastKnownGood) steps.Add(CommonSteps.ReadPin());
        var parameters = inputs.Select(i => (i.Parameter, InputValue(i))).ToList();
        parameters.Add((a.RegistryParameter, a.Registry));
        // GitHub creates a named environment unprotected on first use: the build refuses to run until it is protected
        // (EnvironmentProtection), reading it with the job's token (actions: read).
        if (a.Environment is { } environment)
            parameters.AddRange([(ProtectedEnvironmentParameter, environment),
                (WithoutReviewersParameter, "${{ vars." + EnvironmentProtection.WithoutReviewersVariable + " == 'true' }}")]);
        if (a.RunsTrivy) parameters.Add((GitHubActionsWorkflowAttribute.MaxImageAgeParameter, MaxImageAge(a)));
        if (a.Dispatches is { } dispatched) parameters.Add((a.DispatchParameter, dispatched + ".yml"));
        var tokenToBuild = credentials.GitHubTokenToBuild || a.Environment is not null || a.Dispatches is not null;
        steps.Add(CommonSteps.Build(string.Join(", ", a.InvokedTargets), a.InvokedTargets, parameters,
            tokenToBuild ? new Dictionary<string, string> { ["GITHUB_TOKEN"] = CommonSteps.GitHubToken } : null));
        if (a.UploadsSarif is { } sarif) steps.Add(UploadSarif("artifacts/" + sarif.Trim('/')));
        if (a.PinsLastKnownGood) steps.Add(CommonSteps.StorePin());
        if (credentials.Login) steps.Add(CommonSteps.RegistryLogout(a.Registry));
        steps.Add(CommonSteps.RunnerHygieneAfter());

        var permissions = new Dictionary<string, string>(credentials.Permissions);
        if (a.PinsLastKnownGood) permissions["contents"] = "write";
        if (a.Environment is not null) permissions["actions"] = "read"; // GET environments/{name} (docs: "Actions" repository permission, read)
        if (a.Dispatches is not null) permissions["actions"] = "write"; // POST actions/workflows/{file}/dispatches (docs: "Actions", write)
        if (a.UploadsSarif is not null) permissions["security-events"] = "write"; // upload-sarif's token (its action.yml: security-events: write)
        var job = new Job(a.Name, a.Name, RunsOn.Expression("${{ " + CommonSteps.RunnerLabels(a.RunsOnVariable, a.RunsOn) + " }}"), steps,
            Permissions: credentials.HasWrites || permissions.Count > 1 ? permissions : null,
            TimeoutMinutes: a.TimeoutMinutes,
            Concurrency: movesTags ? CommonSteps.Registry(a.RegistryConcurrencyGroup) : null,
            Environment: a.Environment);
        return new Workflow(a.Name, on, CommonSteps.ReadOnly, CommonSteps.PerWorkflowAndRef, [job]);
    }

    /// <summary>`${{ vars.DEVCONTAINER_MAX_IMAGE_AGE || 7 }}`: the repository's maximum image age, else the build's default.</summary>
    public static string MaxImageAge(GitHubActionsWorkflowAttribute a) => $"${{{{ vars.{a.MaxImageAgeVariable} || {ImageFreshness.DefaultMaxAgeDays} }}}}";

    /// <summary>
    /// Every SARIF file in <paramref name="folder"/> to code scanning in one upload (upload-sarif's sarif_file takes a
    /// directory; each run's automationDetails.id is its category, which wins over the category input: codeql-action's
    /// upload-lib). Whenever the build wrote some, also after a failure, so a day's findings reach code scanning.
    /// </summary>
    static Step UploadSarif(string folder) => new("Upload the SARIF in " + folder + " to code scanning", PinnedActions.UploadSarif,
        If: $"${{{{ !cancelled() && hashFiles('{folder}/*.sarif') != '' }}}}",
        With: new Dictionary<string, object> { ["sarif_file"] = folder });

    /// <summary>The build parameters (--protected-environment, --rollback-without-reviewers) a job with an environment passes.</summary>
    public const string ProtectedEnvironmentParameter = "protected-environment";
    public const string WithoutReviewersParameter = "rollback-without-reviewers";

    // A scheduled run has no inputs: a boolean then falls back to false (the build's CI behaviour), never to an empty argument.
    private static string InputValue(DispatchInput input) => input.Type == WorkflowInputType.Boolean
        ? $"${{{{ inputs.{input.Name} || false }}}}"
        : input.Fallback is { } fallback ? $"${{{{ inputs.{input.Name} || {fallback} }}}}"
        : $"${{{{ inputs.{input.Name} }}}}";
}
