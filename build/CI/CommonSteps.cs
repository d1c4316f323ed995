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

    /// <summary>
    /// setup-dotnet installs into /usr/share/dotnet unless DOTNET_INSTALL_DIR names another directory (setup-dotnet's
    /// src/installer.ts reads it when the action starts; setup-dotnet issues 327, 565): a non-root self-hosted runner
    /// cannot write there. runner.temp is the runner user's own and emptied for every job, so no two jobs (or runners
    /// on one host) ever share an SDK directory; the action then puts it on PATH and sets DOTNET_ROOT, which build.sh uses.
    /// </summary>
    public static Step SetupDotnet() => new("Set up .NET (global.json) in the job's own directory", PinnedActions.SetupDotnet,
        With: new Dictionary<string, object> { ["global-json-file"] = "global.json" },
        Env: new Dictionary<string, string> { ["DOTNET_INSTALL_DIR"] = "${{ runner.temp }}/dotnet" });

    public static Step NuGetCache() => new("Cache NuGet packages", PinnedActions.Cache,
        With: new Dictionary<string, object>
        {
            ["path"] = "~/.nuget/packages",
            ["key"] = "nuget-${{ runner.os }}-${{ hashFiles('**/*.csproj', 'global.json', 'Directory.Build.props') }}",
        });

    public const string OnSelfHosted = "runner.environment == 'self-hosted'";

    /// <summary>
    /// A Docker config of the job's own under runner.temp (set for every later step through GITHUB_ENV), before anything
    /// uses docker: several runners on one host would otherwise share ~/.docker/config.json (one job's login replacing
    /// another's mid-push) and buildx's current builder. It carries the runner user's CLI plugins and contexts (links)
    /// and settings such as proxies (a copy), never credentials (auths, credsStore, credHelpers are dropped).
    /// </summary>
    public static Step PrivateDockerConfig() => new("Give the job a Docker config of its own (logins and builders stay in this job)",
        Run: "config=\"$RUNNER_TEMP/docker-config\"\n"
           + "source=\"${DOCKER_CONFIG:-$HOME/.docker}\"\n"
           + "mkdir -p \"$config\"\n"
           + "for shared in cli-plugins contexts; do if [ -d \"$source/$shared\" ]; then ln -s \"$source/$shared\" \"$config/$shared\"; fi; done\n"
           + "if [ -f \"$source/config.json\" ]; then\n"
           + "  if command -v python3 >/dev/null; then\n"
           + "    python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); [c.pop(k, None) for k in (\"auths\", \"credsStore\", \"credHelpers\")]; json.dump(c, open(sys.argv[2], \"w\"))' \"$source/config.json\" \"$config/config.json\"\n"
           + "  else echo \"::notice::python3 is missing: the job's Docker config takes no settings (proxies) from $source/config.json\"; fi\n"
           + "fi\n"
           + "echo \"DOCKER_CONFIG=$config\" >> \"$GITHUB_ENV\"");

    /// <summary>
    /// Self-hosted runners keep Docker state between jobs: Prune runs before anything is built and again after the job,
    /// whatever happened (`always()`). On a runner other jobs share it removes only this job's own builders; on one
    /// marked ephemeral, everything (RunnerHygiene). Hosted runners are fresh.
    /// </summary>
    public static Step RunnerHygieneBefore() =>
        new("Runner hygiene before the job (self-hosted)", Run: "./build.sh Prune", If: "${{ " + OnSelfHosted + " }}");

    public static Step RunnerHygieneAfter() =>
        new("Runner hygiene after the job (self-hosted)", Run: "./build.sh Prune", If: "${{ always() && " + OnSelfHosted + " }}");

    public static Step SetupQemu() => new("Set up QEMU (linux/arm64 emulation)", PinnedActions.SetupQemu,
        With: new Dictionary<string, object> { ["image"] = PinnedImages.Binfmt, ["platforms"] = "arm64" });

    /// <summary>
    /// setup-buildx's docker-container builder, its BuildKit image pinned; with <paramref name="hostNetwork"/> BuildKit
    /// shares the runner's network (driver option network=host), so it can push to a staging registry on the runner's loopback.
    /// </summary>
    public static Step SetupBuildx(bool hostNetwork = false) => new("Set up Docker Buildx", PinnedActions.SetupBuildx,
        With: new Dictionary<string, object> { ["driver-opts"] = "image=" + PinnedImages.BuildKit + (hostNetwork ? "\nnetwork=host" : "") });

    /// <summary>
    /// Installs the Trivy release the build is pinned to (<see cref="Trivy.PinnedVersion"/>), not whatever is latest, into
    /// the job's own directory (setup-trivy's default, ~/.local/bin, is shared by runners of one user).
    /// </summary>
    public static Step SetupTrivy() => new("Set up Trivy " + Trivy.PinnedVersion, PinnedActions.SetupTrivy,
        With: new Dictionary<string, object> { ["version"] = "v" + Trivy.PinnedVersion, ["path"] = "${{ runner.temp }}/trivy" });

    /// <summary>Into the job's own directory (cosign-installer's default, ~/.cosign, is shared by runners of one user).</summary>
    public static Step SetupCosign() => new("Set up cosign " + PinnedImages.CosignVersion, PinnedActions.CosignInstaller,
        With: new Dictionary<string, object> { ["cosign-release"] = PinnedImages.CosignVersion, ["install-dir"] = "${{ runner.temp }}/cosign" });

    /// <summary>
    /// A repository that must not appear in Sigstore's public logs (keyless signing records the workflow's identity,
    /// repository included, in Fulcio's certificate and Rekor) signs with a key of its own: the public key in the variable
    /// DEVCONTAINER_COSIGN_PUBLIC_KEY, the private key and its password in the secrets DEVCONTAINER_COSIGN_KEY and
    /// DEVCONTAINER_COSIGN_PASSWORD. This step writes them to runner.temp and hands the build their paths (COSIGN_KEY,
    /// COSIGN_PUBLIC_KEY); with a key nothing reaches Rekor (no --tlog-upload). A job that only verifies (<paramref
    /// name="signs"/> false: pull requests, rollback) never names the private key. Neither set: keyless, as before.
    /// </summary>
    public static Step RepositoryCosignKey(bool signs) => new(signs
            ? "Sign with the repository's cosign key if it has one (else keyless)"
            : "Verify with the repository's cosign public key if it has one (else keyless)",
        Run: "if [ -n \"$COSIGN_PUBLIC_KEY_PEM\" ]; then\n"
           + "  printf '%s\\n' \"$COSIGN_PUBLIC_KEY_PEM\" > \"$RUNNER_TEMP/cosign.pub\"\n"
           + "  echo \"COSIGN_PUBLIC_KEY=$RUNNER_TEMP/cosign.pub\" >> \"$GITHUB_ENV\"\n"
           + "fi\n"
           + (signs
               ? "if [ -n \"$COSIGN_KEY_PEM\" ]; then\n"
               + "  (umask 077 && printf '%s\\n' \"$COSIGN_KEY_PEM\" > \"$RUNNER_TEMP/cosign.key\")\n"
               + "  echo \"COSIGN_KEY=$RUNNER_TEMP/cosign.key\" >> \"$GITHUB_ENV\"\n"
               + "  printf 'COSIGN_PASSWORD=%s\\n' \"$COSIGN_KEY_PASSWORD\" >> \"$GITHUB_ENV\"\n"
               + "elif [ -n \"$COSIGN_PUBLIC_KEY_PEM\" ]; then\n"
               + "  echo \"::error::the variable DEVCONTAINER_COSIGN_PUBLIC_KEY is set but the secret DEVCONTAINER_COSIGN_KEY is not: add the private key (and DEVCONTAINER_COSIGN_PASSWORD), or remove the variable to sign keyless\"; exit 1\n"
               + "fi"
               : "true"),
        Env: signs
            ? new Dictionary<string, string>
            {
                ["COSIGN_PUBLIC_KEY_PEM"] = "${{ vars.DEVCONTAINER_COSIGN_PUBLIC_KEY }}",
                ["COSIGN_KEY_PEM"] = "${{ secrets.DEVCONTAINER_COSIGN_KEY }}",
                ["COSIGN_KEY_PASSWORD"] = "${{ secrets.DEVCONTAINER_COSIGN_PASSWORD }}",
            }
            : new Dictionary<string, string> { ["COSIGN_PUBLIC_KEY_PEM"] = "${{ vars.DEVCONTAINER_COSIGN_PUBLIC_KEY }}" });

    /// <summary>
    /// skopeo at least <see cref="PinnedImages.SkopeoMinimumVersion"/>: the runner's own when new enough (GitHub's Ubuntu
    /// 24.04 images ship 1.13), else the distribution's current package (apt keeps only the newest revision, so an exact
    /// one would stop installing at the next update); still older, the job stops naming the minimum.
    /// </summary>
    public static Step SetupSkopeo() => new("Set up skopeo " + PinnedImages.SkopeoMinimumVersion + " or later",
        Run: "recent() { found=$(skopeo --version 2>/dev/null | sed -n 's/^skopeo version \\([0-9][0-9.]*\\).*/\\1/p'); "
           + "[ -n \"$found\" ] && [ \"$(printf '%s\\n%s\\n' \"$SKOPEO_MINIMUM\" \"$found\" | sort -V | head -n 1)\" = \"$SKOPEO_MINIMUM\" ]; }\n"
           + "if ! recent; then\n"
           + "  echo \"skopeo ${found:-is missing}${found:+ is older than $SKOPEO_MINIMUM}: installing the distribution's skopeo with apt\"\n"
           + "  sudo=\"\"; if [ \"$(id -u)\" != 0 ]; then sudo=sudo; fi\n"
           + "  $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends skopeo || true\n"
           + "  recent || { echo \"::error::skopeo $SKOPEO_MINIMUM or later is needed (found: ${found:-none}); install it on the runner (README, CI workflows: checklist)\"; exit 1; }\n"
           + "fi\n"
           + "skopeo --version",
        Env: new Dictionary<string, string> { ["SKOPEO_MINIMUM"] = PinnedImages.SkopeoMinimumVersion });

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
    /// commit, through GitHub's REST API with the job's token (contents: write), and in DEVCONTAINER_LKG when the secret
    /// DEVCONTAINER_LKG_TOKEN (a token allowed to write variables) is set: the build's StorePin, so the runner needs no gh,
    /// curl or jq. No file: the pin stays (e.g. held by a rollback).
    /// </summary>
    public static Step StorePin() => Build("Move the last-known-good pin (lkg tag; DEVCONTAINER_LKG with DEVCONTAINER_LKG_TOKEN)", ["StorePin"], [],
        new Dictionary<string, string> { ["GITHUB_TOKEN"] = GitHubToken, ["DEVCONTAINER_LKG_TOKEN"] = "${{ secrets.DEVCONTAINER_LKG_TOKEN }}" });

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
    /// cancelled (a half-done publish or rollback is finished by its re-run, but should not be interrupted), and
    /// `queue: max`: by default a group keeps one pending job and a newer one cancels it (a scheduled retention or a
    /// second push would cancel a pending release's publish); with `max` up to 100 wait, first in, first out
    /// (docs.github.com, workflow syntax, concurrency; changelog 2026-05-07). GitHub refuses `queue: max` with
    /// `cancel-in-progress: true`, so the two never meet here.
    /// </summary>
    public static Concurrency Registry(string group) => new(group, "false", Queue: "max");
}
