namespace Integration.Tests.Harness;

/// <summary>
/// The real devcontainer CLI (npm @devcontainers/cli, pinned in .ci/devcontainer-cli/package-lock.json), found
/// through DEVCONTAINER_CLI (what .ci/run sets), then the repository's own install, then PATH. It talks to the
/// toolchain's dockerd through DOCKER_HOST like the docker CLI it drives.
/// </summary>
public static class DevcontainerCli
{
    public const string Variable = "DEVCONTAINER_CLI";
    public const string InstallCommand = "npm ci --prefix .ci/devcontainer-cli";

    /// <summary>The executable, or null when it is nowhere.</summary>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given) return File.Exists(given) ? given : null;
        var repositoryInstall = Path.Combine(RepoPaths.Root, ".ci", "devcontainer-cli", "node_modules", ".bin", "devcontainer");
        return File.Exists(repositoryInstall) ? repositoryInstall : ProcessRunner.FindExecutable("devcontainer", ToolchainEnvironment.Get("PATH"));
    }

    /// <summary>
    /// The CLI's environment: its own temporary folder holding the feature control manifest it would otherwise
    /// fetch from containers.dev (tests reach loopback and the toolchain's bridge only). The content is the CLI's
    /// own fallback for an unreachable host (no disallowed features, no advisories) and it is fresh for 5 minutes,
    /// which is longer than one `up` runs; the workspace uses no features, so nothing else is fetched.
    /// </summary>
    public static Dictionary<string, string?> EnvironmentFor(string temporaryDirectory)
    {
        var cacheFolder = Path.Combine(temporaryDirectory, "devcontainercli-" + System.Environment.UserName);
        Directory.CreateDirectory(cacheFolder);
        File.WriteAllText(Path.Combine(cacheFolder, "control-manifest.json"), """{ "disallowedFeatures": [], "featureAdvisories": [] }""");
        return new Dictionary<string, string?> { ["TMPDIR"] = temporaryDirectory };
    }
}
