namespace Pipeline.CI;

/// <summary>Steps every generated job shares. Nothing from an event or an input is ever written into a `run:`: values reach it through env:.</summary>
public static class CommonSteps
{
    public const string GitHubToken = "${{ secrets.GITHUB_TOKEN }}";

    public static Step Checkout() => new("Check out", PinnedActions.Checkout,
        With: new Dictionary<string, object> { ["persist-credentials"] = false });

    public static Step SetupDotnet() => new("Set up .NET (global.json)", PinnedActions.SetupDotnet,
        With: new Dictionary<string, object> { ["global-json-file"] = "global.json" });

    public static Step NuGetCache() => new("Cache NuGet packages", PinnedActions.Cache,
        With: new Dictionary<string, object>
        {
            ["path"] = "~/.nuget/packages",
            ["key"] = "nuget-${{ runner.os }}-${{ hashFiles('**/*.csproj', 'global.json', 'Directory.Build.props') }}",
        });

    /// <summary>Self-hosted runners keep Docker state between jobs: the Prune target clears it before anything is built.</summary>
    public static Step RunnerHygiene(string? condition = null) =>
        new("Runner hygiene (self-hosted)", Run: "./build.sh Prune --prune", If: condition);

    public static Step SetupQemu() => new("Set up QEMU (linux/arm64 emulation)", PinnedActions.SetupQemu);

    public static Step SetupBuildx() => new("Set up Docker Buildx", PinnedActions.SetupBuildx);

    /// <summary>Installs the Trivy release the build is pinned to (<see cref="Trivy.PinnedVersion"/>), not whatever is latest.</summary>
    public static Step SetupTrivy() => new("Set up Trivy " + Trivy.PinnedVersion, PinnedActions.SetupTrivy,
        With: new Dictionary<string, object> { ["version"] = "v" + Trivy.PinnedVersion });

    public static Step SetupCosign() => new("Set up cosign", PinnedActions.CosignInstaller);

    /// <summary>docker login with GITHUB_TOKEN on stdin; the token reaches the step through env: only.</summary>
    public static Step RegistryLogin(string registry) => new("Log in to " + RegistryHost(registry),
        Run: "printf '%s' \"$GITHUB_TOKEN\" | docker login \"$REGISTRY_HOST\" --username \"$GITHUB_ACTOR\" --password-stdin",
        Env: new Dictionary<string, string> { ["REGISTRY_HOST"] = RegistryHost(registry), ["GITHUB_TOKEN"] = GitHubToken });

    public static Step RegistryLogout(string registry) => new("Log out of " + RegistryHost(registry),
        Run: "docker logout \"$REGISTRY_HOST\"", If: "${{ always() }}",
        Env: new Dictionary<string, string> { ["REGISTRY_HOST"] = RegistryHost(registry) });

    /// <summary>
    /// `./build.sh Targets --param "$PARAM" ...`: each parameter's value (which may hold an expression) is set in env:
    /// as the upper-snake-case variable of the parameter's name, and the command line only names the variable.
    /// </summary>
    public static Step Build(string name, IEnumerable<string> targets, IReadOnlyList<(string Parameter, string Value)> parameters,
        IReadOnlyDictionary<string, string>? extraEnv = null, IEnumerable<string>? skip = null)
    {
        var skipped = skip?.ToList() ?? [];
        var command = "./build.sh " + string.Join(" ", targets)
            + (skipped.Count > 0 ? " --skip " + string.Join(" ", skipped) : "")
            + string.Concat(parameters.Select(p => $" --{p.Parameter} \"${EnvironmentVariable(p.Parameter)}\""));
        var env = parameters.ToDictionary(p => EnvironmentVariable(p.Parameter), p => p.Value);
        foreach (var (key, value) in extraEnv ?? new Dictionary<string, string>()) env[key] = value;
        return new Step(name, Run: command, Env: env);
    }

    /// <summary>`dry-run` → `DRY_RUN`; the host also binds that variable to the parameter, so both routes agree.</summary>
    public static string EnvironmentVariable(string parameter) => parameter.Replace('-', '_').ToUpperInvariant();

    public static string RegistryHost(string registry) => registry.Split('/')[0];

    public static IReadOnlyDictionary<string, string> ReadOnly => new Dictionary<string, string> { ["contents"] = "read" };

    public static Concurrency PerWorkflowAndRef => new(
        "${{ github.workflow }}-${{ github.ref }}",
        "${{ github.event_name == 'pull_request' }}");
}
