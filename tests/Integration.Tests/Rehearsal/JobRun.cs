using System.Text;
using Integration.Tests.Harness;

namespace Integration.Tests.Rehearsal;

/// <summary>
/// One job instance on this machine: a fresh workspace, RUNNER_TEMP and Docker config (so a `docker login` stays in
/// this job), a GITHUB_TOKEN whose registry scope is the job's `packages:` permission, then each step in order: its
/// `if:` with the job's status so far, `env:` (workflow, job, step; GITHUB_ENV from earlier steps), `run:` with bash
/// as Actions runs it, `uses:` through the <see cref="ActionTable"/>, GITHUB_OUTPUT / GITHUB_ENV / GITHUB_PATH /
/// GITHUB_STEP_SUMMARY honoured. Secrets are masked in everything it logs and reports.
/// </summary>
public sealed class JobRun
{
    readonly WorkflowDefinition workflow;
    readonly JobDefinition job;
    readonly RehearsalMachine machine;
    readonly Dictionary<string, object?> contexts;
    readonly Dictionary<string, object?> steps = ExpressionValue.Object();
    readonly Dictionary<string, string> githubEnv = new();
    readonly List<string> githubPath = [];
    readonly List<string> secretValues = [];
    readonly string label;

    public JobRun(WorkflowDefinition workflow, JobDefinition job, IReadOnlyDictionary<string, object?> matrix, string displayName,
        RehearsalEvent @event, RehearsalMachine machine, ArtifactStore artifacts, Dictionary<string, object?> contexts, int instance)
    {
        this.workflow = workflow;
        this.job = job;
        this.machine = machine;
        this.contexts = contexts;
        Event = @event;
        Artifacts = artifacts;
        DisplayName = displayName;
        label = $"{instance}:{job.Id}:{displayName}";
        Directory = Path.Combine(machine.RunDirectory, "jobs", $"{instance:00}-{job.Id}");
        Workspace = Path.Combine(Directory, "workspace");
        Temp = Path.Combine(Directory, "temp");
        DockerConfig = Path.Combine(Directory, "docker-config");
        foreach (var directory in new[] { Workspace, Temp, DockerConfig }) System.IO.Directory.CreateDirectory(directory);
        PrepareDockerConfig();
        Permissions = job.Permissions ?? workflow.Permissions ?? new Dictionary<string, string> { ["contents"] = "read", ["packages"] = "read" };
        Token = IssueToken();
        var secrets = ExpressionValue.Object();
        foreach (var (name, value) in machine.Secrets) secrets[name] = value;
        secrets["GITHUB_TOKEN"] = Token;
        secretValues.AddRange(secrets.Values.OfType<string>().Concat(machine.Environment.Where(p => p.Key.Contains("PASSWORD")).Select(p => p.Value ?? ""))
            .Where(v => v.Length > 0));
        var runner = ExpressionValue.Object();
        (runner["os"], runner["arch"], runner["temp"], runner["environment"], runner["name"]) = ("Linux", "X64", Temp, "github-hosted", "rehearsal");
        contexts["secrets"] = secrets;
        contexts["runner"] = runner;
        contexts["steps"] = steps;
        contexts["job"] = ExpressionValue.Object();
        contexts["env"] = ExpressionValue.Object();
    }

    public string DisplayName { get; }
    public string Directory { get; }
    public string Workspace { get; }
    public string Temp { get; }
    public string DockerConfig { get; }
    public RehearsalEvent Event { get; }
    public ArtifactStore Artifacts { get; }
    public RehearsalMachine Machine => machine;
    public IReadOnlyDictionary<string, string> Permissions { get; }
    public string Token { get; }
    public Dictionary<string, object?> Outputs { get; } = ExpressionValue.Object();

    public bool Grants(string scope, string level) =>
        Permissions.TryGetValue(scope, out var granted) && (granted == level || granted == "write");

    public async Task<JobReport> RunAsync()
    {
        machine.Log($"=== job {DisplayName} (permissions: {string.Join(", ", Permissions.Select(p => $"{p.Key}: {p.Value}"))})");
        var before = machine.Registry.Proxy.Arrivals;
        var status = JobStatus.Success;
        var reports = new List<StepReport>();
        foreach (var step in job.Steps)
        {
            var evaluator = Evaluator(status, StepEnvironment(null));
            var started = System.Diagnostics.Stopwatch.StartNew();
            string outcome, output;
            try
            {
                if (!evaluator.Condition(step.If)) (outcome, output) = ("skipped", "");
                else if (machine.LeaveOutStep(job, step) is { } reason)
                {
                    (outcome, output) = ("left out", reason);
                    machine.Log($"--- {DisplayName} / {step.DisplayName}: left out ({reason})");
                }
                else
                {
                    machine.Log($"--- {DisplayName} / {step.DisplayName}");
                    var env = StepEnvironment(step, status);
                    var (ok, text) = step.Uses is not null
                        ? await ActionTable.RunAsync(this, step.Uses, step.With.ToDictionary(p => p.Key, p => Evaluator(status, env).InterpolateText(p.Value)), env)
                        : await RunScriptAsync(step, env);
                    (outcome, output) = (ok ? "success" : "failure", text);
                }
            }
            catch (Exception e) when (e is FormatException or NotSupportedException or InvalidOperationException)
            {
                (outcome, output) = ("failure", "rehearsal: " + e.Message);
                machine.Log($"[{DisplayName}] {output}");
            }
            if (outcome is not ("skipped" or "left out")) machine.Log($"--- {DisplayName} / {step.DisplayName}: {outcome} after {started.Elapsed.TotalSeconds:0}s");
            reports.Add(new StepReport(step.DisplayName, outcome, Mask(output)));
            if (step.Id is not null)
            {
                var stepContext = (Dictionary<string, object?>)steps.GetValueOrDefault(step.Id, ExpressionValue.Object())!;
                var seen = outcome == "left out" ? "skipped" : outcome;
                stepContext["outcome"] = seen;
                stepContext["conclusion"] = seen == "failure" && step.ContinueOnError ? "success" : seen;
                stepContext.TryAdd("outputs", ExpressionValue.Object());
                steps[step.Id] = stepContext;
            }
            if (outcome == "failure" && !step.ContinueOnError) status = JobStatus.Failure;
        }
        var outputsEvaluator = Evaluator(status, StepEnvironment(null));
        foreach (var (name, value) in job.Outputs) Outputs[name] = outputsEvaluator.InterpolateText(value);
        var requests = machine.Registry.Proxy.Requests.Where(r => r.Arrival > before && (r.Job is null || r.Job == label)).ToList();
        var result = status == JobStatus.Success ? "success" : "failure";
        machine.Log($"=== job {DisplayName}: {result}");
        return new JobReport(job.Id, DisplayName, result, Permissions, reports, requests);
    }

    /// <summary>Runs a tool as a step of this job would (the job's environment, output masked into the log).</summary>
    public async Task<(bool Ok, string Output)> RunToolAsync(string tool, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> env,
        string? workingDirectory = null)
    {
        var output = new StringBuilder();
        var result = await ProcessRunner.RunAsync(tool, arguments, workingDirectory ?? Workspace, env, line =>
        {
            var masked = Mask(line);
            lock (output) output.AppendLine(masked);
            machine.Log($"[{DisplayName}] {masked}");
        }, TimeSpan.FromMinutes(30));
        return (result.Succeeded, output.ToString());
    }

    public string Mask(string text) => secretValues.Aggregate(text, (t, secret) => t.Replace(secret, "***"));

    async Task<(bool, string)> RunScriptAsync(StepDefinition step, Dictionary<string, string?> env)
    {
        var evaluator = Evaluator(JobStatus.Success, env);
        var script = Path.Combine(Temp, $"step-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(script, evaluator.InterpolateText(step.Run!));
        string[] shell = step.Shell switch
        {
            null => ["-e", script],
            "bash" => ["--noprofile", "--norc", "-eo", "pipefail", script],
            _ => throw new NotSupportedException($"the rehearsal runs bash steps only, not shell: {step.Shell}"),
        };
        var files = new[] { "GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY" }
            .ToDictionary(name => name, name => Path.Combine(Temp, $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}"));
        foreach (var (name, path) in files)
        {
            await File.WriteAllTextAsync(path, "");
            env[name] = path;
        }
        var directory = step.WorkingDirectory ?? job.WorkingDirectory;
        var (ok, output) = await RunToolAsync("bash", shell, env, directory is null ? Workspace : Path.Combine(Workspace, evaluator.InterpolateText(directory)));
        if (step.Id is not null)
        {
            var outputs = ExpressionValue.Object();
            foreach (var (name, value) in CommandFile.Read(await File.ReadAllTextAsync(files["GITHUB_OUTPUT"]))) outputs[name] = value;
            steps[step.Id] = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["outputs"] = outputs };
        }
        foreach (var (name, value) in CommandFile.Read(await File.ReadAllTextAsync(files["GITHUB_ENV"]))) githubEnv[name] = value;
        githubPath.InsertRange(0, (await File.ReadAllLinesAsync(files["GITHUB_PATH"])).Where(l => l.Length > 0).Reverse());
        await File.AppendAllTextAsync(Path.Combine(Directory, "step-summary.md"), await File.ReadAllTextAsync(files["GITHUB_STEP_SUMMARY"]));
        return (ok, output);
    }

    ExpressionEvaluator Evaluator(JobStatus status, IReadOnlyDictionary<string, string?> env)
    {
        var envContext = ExpressionValue.Object();
        foreach (var (name, value) in env) if (value is not null) envContext[name] = value;
        contexts["env"] = envContext;
        ((Dictionary<string, object?>)contexts["job"]!)["status"] = status.ToString().ToLowerInvariant();
        return new ExpressionEvaluator(contexts, status, patterns => HashFiles.Of(Workspace, patterns));
    }

    /// <summary>workflow env, job env, GITHUB_ENV, step env (each evaluated with the env before it); null: without the step's own.</summary>
    Dictionary<string, string?> StepEnvironment(StepDefinition? step, JobStatus status = JobStatus.Success)
    {
        var env = new Dictionary<string, string?>();
        foreach (var layer in new[] { workflow.Env, job.Env })
            foreach (var (name, value) in layer) env[name] = Evaluator(status, env).InterpolateText(value);
        foreach (var (name, value) in githubEnv) env[name] = value;
        if (step is not null)
        {
            var evaluator = Evaluator(status, env);
            foreach (var (name, value) in step.Env) env[name] = evaluator.InterpolateText(value);
        }
        return ProcessEnvironment(env);
    }

    /// <summary>The variables a step's process gets: the machine's, Actions' defaults, then <paramref name="env"/>.</summary>
    Dictionary<string, string?> ProcessEnvironment(Dictionary<string, string?> env)
    {
        var result = System.Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(n => n.StartsWith("GITHUB_") || n.StartsWith("RUNNER_") || n.StartsWith("ACTIONS_") || n.StartsWith("NUKE_"))
            .ToDictionary(n => n, _ => (string?)null);
        foreach (var (name, value) in machine.Environment) result[name] = value;
        var path = string.Join(':', githubPath.Append(machine.ToolDirectory).Append(ToolchainEnvironment.Get("PATH") ?? ""));
        var defaults = new Dictionary<string, string?>
        {
            ["CI"] = "true", ["GITHUB_ACTIONS"] = "true", ["GITHUB_WORKFLOW"] = workflow.Name, ["GITHUB_JOB"] = job.Id,
            ["GITHUB_RUN_ID"] = "4242", ["GITHUB_RUN_NUMBER"] = "1", ["GITHUB_RUN_ATTEMPT"] = "1", ["GITHUB_ACTOR"] = "rehearsal-actor",
            ["GITHUB_REPOSITORY"] = Event.Repository, ["GITHUB_REPOSITORY_OWNER"] = Event.Owner, ["GITHUB_EVENT_NAME"] = Event.Name,
            ["GITHUB_EVENT_PATH"] = EventPath(), ["GITHUB_SHA"] = Event.Sha, ["GITHUB_REF"] = Event.Ref,
            ["GITHUB_REF_NAME"] = Event.Ref.Split('/', 3)[^1], ["GITHUB_WORKSPACE"] = Workspace, ["GITHUB_SERVER_URL"] = "https://github.com",
            // GitHub's REST API as the fake serves it, against the origin repository.
            ["GITHUB_API_URL"] = machine.GitHubApi.ApiUrl, ["RUNNER_TEMP"] = Temp, ["RUNNER_OS"] = "Linux", ["RUNNER_ARCH"] = "X64",
            ["RUNNER_ENVIRONMENT"] = "github-hosted", ["DOCKER_CONFIG"] = DockerConfig, ["PATH"] = path, ["HOME"] = System.Environment.GetEnvironmentVariable("HOME"),
        };
        foreach (var (name, value) in defaults) result[name] = value;
        foreach (var (name, value) in env) result[name] = value;
        return result;
    }

    string EventPath()
    {
        var path = Path.Combine(Temp, "event.json");
        if (!File.Exists(path)) File.WriteAllText(path, ExpressionValue.ToJson(Event.Payload));
        return path;
    }

    /// <summary>A Docker config of this job alone: the toolchain's settings (proxies), its buildx builders and CLI plugins, no credentials.</summary>
    void PrepareDockerConfig()
    {
        var machineConfig = ToolchainEnvironment.Get("DOCKER_CONFIG") ?? Path.Combine(System.Environment.GetEnvironmentVariable("HOME") ?? "/", ".docker");
        var config = Path.Combine(machineConfig, "config.json");
        var json = File.Exists(config) ? System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config))!.AsObject() : new System.Text.Json.Nodes.JsonObject();
        json.Remove("auths");
        json.Remove("credsStore");
        json.Remove("credHelpers");
        File.WriteAllText(Path.Combine(DockerConfig, "config.json"), json.ToJsonString());
        foreach (var shared in new[] { "buildx", "cli-plugins" })
            if (System.IO.Directory.Exists(Path.Combine(machineConfig, shared)))
                File.CreateSymbolicLink(Path.Combine(DockerConfig, shared), Path.Combine(machineConfig, shared));
    }

    /// <summary>
    /// The job's GITHUB_TOKEN: a registry token of the job's packages scope (none: a token the registry does not know),
    /// which GitHub's API (the fake) accepts with the job's permissions.
    /// </summary>
    string IssueToken()
    {
        var token = Grants("packages", "write") ? machine.Registry.Proxy.IssueToken(label, write: true)
            : Grants("packages", "read") ? machine.Registry.Proxy.IssueToken(label, write: false)
            : "ghs_rehearsal_no_packages_" + Guid.NewGuid().ToString("N");
        machine.Tokens[token] = Permissions;
        return token;
    }
}
