namespace Pipeline.CI;

/// <summary>Steps every generated job shares. Nothing from an event or an input is ever written into a `run:`: values reach it through env:.</summary>
public static class CommonSteps
{
    public const string GitHubToken = "${{ secrets.GITHUB_TOKEN }}";

    /// <param name="fullHistory">fetch-depth 0: the release-tag check needs the default branch's history.</param>
    public static Step Checkout(bool fullHistory = false) => new("Check out", PinnedActions.Checkout,
        With: fullHistory
            ? new Dictionary<string, object> { ["persist-credentials"] = false, ["fetch-depth"] = 0 }
            : new Dictionary<string, object> { ["persist-credentials"] = false });

    /// <summary>A release publishes only from a tag whose commit is on the default branch (any branch can carry a tag).</summary>
    public static Step ReleaseTagOnDefaultBranch(string defaultBranch) => new("Release tags must point at the default branch",
        If: "${{ startsWith(github.ref, 'refs/tags/') }}",
        Run: "git merge-base --is-ancestor \"$GITHUB_SHA\" \"origin/$DEFAULT_BRANCH\" || { echo \"::error::$GITHUB_REF ($GITHUB_SHA) is not on $DEFAULT_BRANCH; tag a commit of $DEFAULT_BRANCH to release.\"; exit 1; }",
        Env: new Dictionary<string, string> { ["DEFAULT_BRANCH"] = defaultBranch });

    public static Step SetupDotnet() => new("Set up .NET (global.json)", PinnedActions.SetupDotnet,
        With: new Dictionary<string, object> { ["global-json-file"] = "global.json" });

    public static Step NuGetCache() => new("Cache NuGet packages", PinnedActions.Cache,
        With: new Dictionary<string, object>
        {
            ["path"] = "~/.nuget/packages",
            ["key"] = "nuget-${{ runner.os }}-${{ hashFiles('**/*.csproj', 'global.json', 'Directory.Build.props') }}",
        });

    public const string OnSelfHosted = "runner.environment == 'self-hosted'";

    /// <summary>
    /// Self-hosted runners keep Docker state (images, build cache, credentials) between jobs: the Prune target clears
    /// it before anything is built and again after the job, whatever happened (`always()`). Hosted runners are fresh.
    /// </summary>
    public static Step RunnerHygieneBefore() =>
        new("Runner hygiene before the job (self-hosted)", Run: "./build.sh Prune --prune", If: "${{ " + OnSelfHosted + " }}");

    public static Step RunnerHygieneAfter() =>
        new("Runner hygiene after the job (self-hosted)", Run: "./build.sh Prune --prune", If: "${{ always() && " + OnSelfHosted + " }}");

    public static Step SetupQemu() => new("Set up QEMU (linux/arm64 emulation)", PinnedActions.SetupQemu,
        With: new Dictionary<string, object> { ["image"] = PinnedImages.Binfmt, ["platforms"] = "arm64" });

    public static Step SetupBuildx() => new("Set up Docker Buildx", PinnedActions.SetupBuildx,
        With: new Dictionary<string, object> { ["driver-opts"] = "image=" + PinnedImages.BuildKit });

    /// <summary>Installs the Trivy release the build is pinned to (<see cref="Trivy.PinnedVersion"/>), not whatever is latest.</summary>
    public static Step SetupTrivy() => new("Set up Trivy " + Trivy.PinnedVersion, PinnedActions.SetupTrivy,
        With: new Dictionary<string, object> { ["version"] = "v" + Trivy.PinnedVersion });

    public static Step SetupCosign() => new("Set up cosign " + PinnedImages.CosignVersion, PinnedActions.CosignInstaller,
        With: new Dictionary<string, object> { ["cosign-release"] = PinnedImages.CosignVersion });

    /// <summary>
    /// skopeo pinned to Ubuntu 24.04's package version. GitHub's Ubuntu 24.04 images ship that package; a self-hosted
    /// runner gets exactly it from apt when its own differs.
    /// </summary>
    public static Step SetupSkopeo() => new("Set up skopeo " + PinnedImages.SkopeoPackageVersion, If: "${{ " + OnSelfHosted + " }}",
        Run: "if [ \"$(dpkg-query -W -f='${Version}' skopeo 2>/dev/null)\" != \"$SKOPEO_VERSION\" ]; then sudo apt-get update -q && sudo apt-get install -y -q --no-install-recommends \"skopeo=$SKOPEO_VERSION\"; fi\nskopeo --version",
        Env: new Dictionary<string, string> { ["SKOPEO_VERSION"] = PinnedImages.SkopeoPackageVersion });

    /// <summary>docker login to the registry's host with GITHUB_TOKEN on stdin; the token reaches the step through env: only.</summary>
    public static Step RegistryLogin(string registry, string? condition = null) => new("Log in to the registry",
        If: condition,
        Run: "printf '%s' \"$GITHUB_TOKEN\" | docker login \"${REGISTRY%%/*}\" --username \"$GITHUB_ACTOR\" --password-stdin",
        Env: new Dictionary<string, string> { ["REGISTRY"] = registry, ["GITHUB_TOKEN"] = GitHubToken });

    public static Step RegistryLogout(string registry) => new("Log out of the registry",
        Run: "docker logout \"${REGISTRY%%/*}\"", If: "${{ always() }}",
        Env: new Dictionary<string, string> { ["REGISTRY"] = registry });

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

    /// <summary>Where the jobs that read the last-known-good pin put it (the build's --last-known-good / --manifest).</summary>
    public const string PinPath = "${{ runner.temp }}/lkg.json";

    /// <summary>
    /// The last-known-good pin: the repository variable DEVCONTAINER_LKG when set, else the message of the annotated tag
    /// `lkg` (full-history checkouts fetch every tag); neither means no pin yet.
    /// </summary>
    public static Step ReadPin() => new("Read the last-known-good pin (variable DEVCONTAINER_LKG, else the lkg tag)",
        Run: "if [ -n \"$LKG_VARIABLE\" ]; then printf '%s\\n' \"$LKG_VARIABLE\" > \"$LAST_KNOWN_GOOD\"\n"
           + "elif git rev-parse -q --verify refs/tags/lkg >/dev/null; then git tag -l --format='%(contents)' lkg > \"$LAST_KNOWN_GOOD\"\n"
           + "else echo \"No last-known-good pin yet (no DEVCONTAINER_LKG variable, no lkg tag)\"; fi",
        Env: new Dictionary<string, string> { ["LKG_VARIABLE"] = "${{ vars.DEVCONTAINER_LKG }}", ["LAST_KNOWN_GOOD"] = PinPath });

    /// <summary>
    /// Stores artifacts/lkg.json (written by a verified publish or a rollback) as the annotated tag `lkg` on the pinned
    /// commit, through the API with the job's token (contents: write); and in DEVCONTAINER_LKG when the secret
    /// DEVCONTAINER_LKG_TOKEN (a token allowed to write variables) is set. No file: the pin stays (e.g. held by a rollback).
    /// </summary>
    public static Step StorePin() => new("Move the last-known-good pin (lkg tag; DEVCONTAINER_LKG with DEVCONTAINER_LKG_TOKEN)",
        Run: "if [ ! -f artifacts/lkg.json ]; then echo \"The last-known-good pin does not move (see the log above)\"; exit 0; fi\n"
           + "sha=$(sed -n 's/^  \"sha\": \"\\([0-9a-f]*\\)\".*/\\1/p' artifacts/lkg.json)\n"
           + "tag=$(gh api \"repos/$GITHUB_REPOSITORY/git/tags\" -f tag=lkg -F message=@artifacts/lkg.json -f object=\"$sha\" -f type=commit --jq .sha)\n"
           + "gh api -X PATCH \"repos/$GITHUB_REPOSITORY/git/refs/tags/lkg\" -f sha=\"$tag\" -F force=true >/dev/null 2>&1 || gh api \"repos/$GITHUB_REPOSITORY/git/refs\" -f ref=refs/tags/lkg -f sha=\"$tag\" >/dev/null\n"
           + "if [ -n \"$LKG_VARIABLE_TOKEN\" ]; then GH_TOKEN=\"$LKG_VARIABLE_TOKEN\" gh variable set DEVCONTAINER_LKG < artifacts/lkg.json; fi\n"
           + "echo \"lkg now pins $sha\"",
        Env: new Dictionary<string, string> { ["GH_TOKEN"] = GitHubToken, ["LKG_VARIABLE_TOKEN"] = "${{ secrets.DEVCONTAINER_LKG_TOKEN }}" });

    /// <summary>`dry-run` → `DRY_RUN`; the host also binds that variable to the parameter, so both routes agree.</summary>
    public static string EnvironmentVariable(string parameter) => parameter.Replace('-', '_').ToUpperInvariant();

    /// <summary>`${{ fromJSON(vars.NAME || '["default","labels"]') }}`: runner labels from a repository variable, else the defaults.</summary>
    public static string RunnerLabels(string variable, IReadOnlyList<string> defaults) =>
        $"fromJSON(vars.{variable} || '{LabelsJson(defaults)}')";

    public static string LabelsJson(IReadOnlyList<string> labels) => System.Text.Json.JsonSerializer.Serialize(labels);

    public static IReadOnlyDictionary<string, string> ReadOnly => new Dictionary<string, string> { ["contents"] = "read" };

    public static Concurrency PerWorkflowAndRef => new(
        "${{ github.workflow }}-${{ github.ref }}",
        "${{ github.event_name == 'pull_request' }}");

    /// <summary>
    /// One group for every job that moves registry tags or deletes versions: they queue instead of racing. Never
    /// cancelled (a half-done publish or rollback is finished by its re-run, but should not be interrupted).
    /// </summary>
    public static Concurrency Registry(string group) => new(group, "false");
}
