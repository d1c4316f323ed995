namespace Pipeline.CI;

// A typed model of the part of GitHub Actions' workflow syntax the generated workflows use.
// Field order here is the key order in the YAML; WorkflowYaml serialises it.

public sealed record Workflow(
    string Name,
    Triggers On,
    IReadOnlyDictionary<string, string> Permissions,
    Concurrency Concurrency,
    IReadOnlyList<Job> Jobs);

public sealed record Triggers(
    PullRequestTrigger? PullRequest = null,
    PushTrigger? Push = null,
    IReadOnlyList<string>? Schedules = null,
    IReadOnlyList<DispatchInput>? WorkflowDispatch = null);

/// <summary>Pull requests; with no paths, every pull request.</summary>
public sealed record PullRequestTrigger(IReadOnlyList<string> Paths);

public sealed record PushTrigger(IReadOnlyList<string> Branches, IReadOnlyList<string> Tags);

public enum WorkflowInputType { String, Boolean }

/// <summary>A workflow_dispatch input; <see cref="Parameter"/> is the build parameter it is passed to (`--name`).</summary>
/// <see cref="Fallback"/> is an expression used when the input is empty (e.g. the last-known-good pin's path).
public sealed record DispatchInput(string Name, string Description, WorkflowInputType Type, bool Required, string? Default, string? Fallback = null)
{
    public string Parameter => Name;
}

/// <summary><see cref="Queue"/>: `max` lets up to 100 jobs wait in the group instead of one (null: GitHub's default, `single`).</summary>
public sealed record Concurrency(string Group, string CancelInProgress, string? Queue = null);

/// <summary>Runner labels, or an expression such as `${{ matrix.runner }}` (one string).</summary>
public sealed record RunsOn(IReadOnlyList<string> Labels)
{
    public static RunsOn Expression(string expression) => new([expression]);
}

public sealed record Matrix(
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Axes = null,
    IReadOnlyList<IReadOnlyDictionary<string, object>>? Include = null);

public sealed record Job(
    string Id,
    string Name,
    RunsOn RunsOn,
    IReadOnlyList<Step> Steps,
    IReadOnlyList<string>? Needs = null,
    string? If = null,
    IReadOnlyDictionary<string, string>? Permissions = null,
    int? TimeoutMinutes = null,
    Matrix? Matrix = null,
    bool FailFast = false,
    // A job-level group (e.g. every job that moves registry tags) on top of the workflow's own group.
    Concurrency? Concurrency = null,
    // A deployment environment: its protection rules (required reviewers, branches) gate the job.
    string? Environment = null);

/// <summary>One step: either <see cref="Uses"/> (with inputs) or <see cref="Run"/> (with env). Values are string, bool or int.</summary>
public sealed record Step(
    string Name,
    PinnedAction? Uses = null,
    IReadOnlyDictionary<string, object>? With = null,
    string? Run = null,
    IReadOnlyDictionary<string, string>? Env = null,
    string? If = null);
