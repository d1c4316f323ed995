namespace Pipeline.Retention;

/// <summary>
/// Whether Prune may wipe this machine's Docker state, and the exact commands. Never by default on a
/// developer's machine: only with --prune, or on a self-hosted CI runner (RUNNER_ENVIRONMENT=self-hosted),
/// whose disk otherwise fills with images and build cache across jobs.
/// </summary>
public static class RunnerHygiene
{
    public sealed record Decision(bool Run, string Reason);

    public static Decision Decide(bool pruneRequested, bool isServerBuild, string? runnerEnvironment)
    {
        if (pruneRequested) return new(true, "--prune was given");
        if (isServerBuild && string.Equals(runnerEnvironment, "self-hosted", StringComparison.OrdinalIgnoreCase))
            return new(true, "self-hosted CI runner (RUNNER_ENVIRONMENT=self-hosted)");
        return isServerBuild
            ? new(false, $"a {(string.IsNullOrEmpty(runnerEnvironment) ? "CI" : runnerEnvironment)} runner is discarded after the job; pass --prune to prune anyway")
            : new(false, "this is a developer machine: Prune would delete every image, volume and build cache here; pass --prune to do it");
    }

    /// <summary>Argument lists for the docker CLI, in order: all unused images, containers, networks and volumes; then all buildx cache.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Commands(string? builder) =>
    [
        ["system", "prune", "--all", "--force", "--volumes"],
        builder is null ? ["buildx", "prune", "--all", "--force"] : ["buildx", "prune", "--builder", builder, "--all", "--force"],
    ];
}
