namespace Pipeline.Retention;

/// <summary>How much of this machine's Docker state Prune may remove.</summary>
public enum PruneScope
{
    /// <summary>Everything: a developer who asked (--prune), or an ephemeral runner whose machine serves this job alone.</summary>
    Machine,
    /// <summary>Only what this job made: a persistent self-hosted runner shares its daemon with other runners' jobs.</summary>
    Job,
}

/// <summary>
/// Whether Prune runs, how far, and the exact commands. Never by default on a developer's machine (only with --prune).
/// On a self-hosted CI runner (RUNNER_ENVIRONMENT=self-hosted) it removes only this job's own Docker state, since
/// several runners on one host share the daemon: the buildx builders in the job's private Docker config
/// (DOCKER_CONFIG under RUNNER_TEMP, which the workflows give every job) — setup-buildx's builder, its BuildKit
/// container, state volume and build cache. The build itself leaves nothing else in the daemon: images go to OCI
/// archives or straight to the registry, validation exports only to the build cache. A runner that serves one job
/// and is then discarded says so with DEVCONTAINER_EPHEMERAL_RUNNER=true in its environment (GitHub tells a job
/// nothing about --ephemeral): there the whole machine is the job's and everything is pruned.
/// </summary>
public static class RunnerHygiene
{
    public const string EphemeralRunnerVariable = "DEVCONTAINER_EPHEMERAL_RUNNER";

    public sealed record Decision(bool Run, string Reason, PruneScope Scope = PruneScope.Machine);

    public static Decision Decide(bool pruneRequested, bool isServerBuild, string? runnerEnvironment, bool ephemeralRunner = false)
    {
        if (pruneRequested) return new(true, "--prune was given: everything Docker and buildx keep on this machine", PruneScope.Machine);
        if (isServerBuild && string.Equals(runnerEnvironment, "self-hosted", StringComparison.OrdinalIgnoreCase))
            return ephemeralRunner
                ? new(true, $"ephemeral self-hosted CI runner ({EphemeralRunnerVariable}=true): the machine serves this job alone, everything is pruned", PruneScope.Machine)
                : new(true, "self-hosted CI runner (RUNNER_ENVIRONMENT=self-hosted) that other jobs share: only this job's own buildx builders are removed " +
                            $"(set {EphemeralRunnerVariable}=true on a runner that serves one job to prune everything)", PruneScope.Job);
        return isServerBuild
            ? new(false, $"a {(string.IsNullOrEmpty(runnerEnvironment) ? "CI" : runnerEnvironment)} runner is discarded after the job; pass --prune to prune anyway")
            : new(false, "this is a developer machine: Prune would delete every image, volume and build cache here; pass --prune to do it");
    }

    /// <summary>
    /// The builders this job may remove: every one in its Docker config, when that config is the job's own (a
    /// directory under RUNNER_TEMP, which the runner empties for every job); none otherwise, with the reason.
    /// </summary>
    public static (IReadOnlyList<string> Builders, string Note) OwnBuilders(string? dockerConfig, string? runnerTemp, IReadOnlyList<string> buildersInConfig)
    {
        if (string.IsNullOrEmpty(dockerConfig) || string.IsNullOrEmpty(runnerTemp) || !IsUnder(dockerConfig, runnerTemp))
            return ([], $"DOCKER_CONFIG ({(string.IsNullOrEmpty(dockerConfig) ? "unset: ~/.docker" : dockerConfig)}) is not this job's own (under RUNNER_TEMP), " +
                        "so its builders may be other jobs'; nothing is removed");
        return (buildersInConfig.Order(StringComparer.Ordinal).ToList(), buildersInConfig.Count == 0
            ? $"no buildx builder in this job's Docker config {dockerConfig}"
            : $"this job's buildx builders (in {dockerConfig}): {string.Join(", ", buildersInConfig.Order(StringComparer.Ordinal))}");
    }

    /// <summary>Argument lists for the docker CLI, in order.</summary>
    /// <param name="builder">Machine scope: --builder (default: the current builder) whose cache is pruned.</param>
    /// <param name="ownBuilders">Job scope: the builders to remove (`buildx rm` also removes their state and cache).</param>
    public static IReadOnlyList<IReadOnlyList<string>> Commands(PruneScope scope, string? builder, IReadOnlyList<string> ownBuilders) => scope switch
    {
        PruneScope.Machine =>
        [
            ["system", "prune", "--all", "--force", "--volumes"],
            builder is null ? ["buildx", "prune", "--all", "--force"] : ["buildx", "prune", "--builder", builder, "--all", "--force"],
        ],
        _ => ownBuilders.Select(name => (IReadOnlyList<string>)["buildx", "rm", name]).ToList(),
    };

    static bool IsUnder(string path, string directory)
    {
        var full = Path.GetFullPath(path).TrimEnd('/') + "/";
        return full.StartsWith(Path.GetFullPath(directory).TrimEnd('/') + "/", StringComparison.Ordinal);
    }
}
