using Pipeline.Host;
using Serilog;

/// <summary>
/// What the CI jobs ask of GitHub's REST API besides the registry, through the job's own token (GITHUB_TOKEN) and
/// GITHUB_API_URL: storing the last-known-good pin, and refusing a job whose deployment environment is unprotected.
/// </summary>
partial class Build
{
    [Parameter("CI: the deployment environment this job runs in; Rollback then refuses to run unless it is on the default branch and GitHub reports the environment protected (required reviewers)")]
    readonly string? ProtectedEnvironment;

    [Parameter("With --protected-environment: accept an environment without required reviewers (plans without them for private repositories) when a deployment branch policy limits it (CI: the variable DEVCONTAINER_ROLLBACK_WITHOUT_REVIEWERS)")]
    readonly bool RollbackWithoutReviewers;

    [Parameter("A token allowed to write repository variables: StorePin also writes the pin to the variable DEVCONTAINER_LKG (CI: the secret DEVCONTAINER_LKG_TOKEN)")]
    [Secret]
    readonly string? DevcontainerLkgToken;

    public const string PinTag = "lkg";
    public const string PinVariable = "DEVCONTAINER_LKG";

    Target StorePin => _ => _
        .Description("Store artifacts/lkg.json (written by a verified Publish or a Rollback) as the annotated git tag lkg on the pinned commit, " +
                     "and in the variable DEVCONTAINER_LKG when DEVCONTAINER_LKG_TOKEN is set (GitHub's REST API with GITHUB_TOKEN; no file: the pin stays)")
        .Reads(() => Artifacts, () => DevcontainerLkgToken, () => GitHubApiUrl)
        .Executes(async () =>
        {
            if (!Layout.LastKnownGoodPin.FileExists())
            {
                Log.Information("The last-known-good pin does not move: {Pin} was not written (see the log of Publish or Rollback)", Layout.LastKnownGoodPin);
                return;
            }
            var text = File.ReadAllText(Layout.LastKnownGoodPin);
            var pin = ReadPin(Layout.LastKnownGoodPin);
            var api = GitHubApi(GitHubToken!);
            await api.MoveTagAsync(PinTag, await api.CreateTagObjectAsync(PinTag, text, pin.Manifest.Sha));
            Log.Information("The tag {Tag} now pins {Sha} (pinned by {By})", PinTag, pin.Manifest.Sha, pin.PinnedBy.ToString().ToLowerInvariant());
            if (DevcontainerLkgToken is { Length: > 0 } variableToken)
            {
                await GitHubApi(variableToken).SetVariableAsync(PinVariable, text);
                Log.Information("The variable {Variable} now holds the pin", PinVariable);
            }
            AddSummary("lkg", pin.Manifest.Sha);
        });

    /// <summary>GITHUB_TOKEN, registered as a secret (it is read from the environment, not declared as a parameter).</summary>
    static string? GitHubToken
    {
        get
        {
            var token = Environment.GetEnvironmentVariable("GITHUB_TOKEN");
            SecretMasker.Register(token, declared: true);
            return token is { Length: > 0 } ? token : null;
        }
    }

    static string? GitHubRepository => Environment.GetEnvironmentVariable("GITHUB_REPOSITORY") is { Length: > 0 } r ? r : null;

    static HttpClient? _gitHubHttp;
    static HttpClient GitHubHttp => _gitHubHttp ??= new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

    GitHubRepositoryApi GitHubApi(string token) => new(GitHubHttp, GitHubApiUrl, GitHubRepository!, token);

    /// <summary>StorePin and the environment check need the repository and a token (up front: exit 2).</summary>
    IReadOnlyList<string> GitHubApiInputProblems(string what) =>
        GitHubRepository is null || GitHubToken is null
            ? [$"{what} uses GitHub's REST API and needs GITHUB_REPOSITORY (owner/name) and GITHUB_TOKEN in the environment, as GitHub Actions sets them; run it in CI or set both."]
            : [];

    /// <summary>
    /// The up-front check of --protected-environment: the refusals; the warnings go to the log and the job summary. Called
    /// once the API's inputs are known to be there (their absence is refused with the checks that need no network).
    /// </summary>
    async Task<IReadOnlyList<string>> EnvironmentProblemsAsync(string environment)
    {
        try
        {
            var verdict = EnvironmentProtection.Check(await GitHubApi(GitHubToken!).GetEnvironmentAsync(environment), environment,
                Context.Ref, Context.DefaultBranch, RollbackWithoutReviewers);
            foreach (var warning in verdict.Warnings)
            {
                Log.Warning("{Warning:l}", warning);
                WriteStepSummary($"> **Warning:** {warning}");
            }
            return verdict.Problems;
        }
        catch (GitHubApiException e) { return [e.Message]; }
    }
}
