using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Tests.Shared;

namespace Integration.Tests.Rehearsal;

/// <summary>
/// A rehearsal of this repository's workflows on the tiny fixture: a credentialed registry, an origin repository
/// holding the commit under test (HEAD) as `main` and as pull request 7's merge ref, a cosign key the publish job signs
/// with (the workflow signs keyless in GitHub; COSIGN_KEY is the parameter it supports outside it), the Trivy test
/// double, GitHub's REST API (a <see cref="FakeGitHubApi"/> over the origin: the lkg tag, variables, the rollback
/// environment, which starts protected), and the runner environment that points the checkout's build at the fixture
/// bake file (BAKE_FILE) and at the permutations the rehearsal runs (PERMUTATIONS; the other matrix combinations are left out).
/// </summary>
public sealed class RehearsalSetup : IAsyncDisposable
{
    public const string Repository = "acme/devcontainer-pipeline";
    public const int PullRequestNumber = 7;
    public const string CosignPassword = "rehearsal-cosign-pw-3c1d";
    public const string RollbackEnvironment = "registry-rollback";

    /// <summary>The rehearsal classes share one collection: each runs whole workflows on the shared daemon, one at a time.</summary>
    public const string Collection = "workflow rehearsals";

    RehearsalSetup(string directory, CredentialedRegistry registry, string sha, string @namespace)
    {
        Directory = directory;
        Registry = registry;
        Sha = sha;
        Namespace = @namespace;
        GitHubApi = new FakeGitHubApi(Repository, Origin, token => Tokens.TryGetValue(token, out var scopes) ? scopes : null);
        GitHubApi.Environments[RollbackEnvironment] = FakeGitHubApi.ProtectedEnvironment(RollbackEnvironment);
        Tokens[VariableToken] = new Dictionary<string, string> { ["variables"] = "write" };
    }

    /// <summary>The secret DEVCONTAINER_LKG_TOKEN when a run is given it: a token that may write repository variables only.</summary>
    public string VariableToken { get; } = "github_pat_rehearsal_variables_" + Guid.NewGuid().ToString("N")[..12];

    public ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> Tokens { get; } = new();
    public FakeGitHubApi GitHubApi { get; }

    public string Directory { get; }
    public CredentialedRegistry Registry { get; }
    public string Sha { get; }
    public string Namespace { get; }
    public string Origin => Path.Combine(Directory, "origin.git");
    public string KeyPath => Path.Combine(Directory, "cosign.key");
    public string PublicKeyPath => Path.Combine(Directory, "cosign.pub");
    public string RegistryPrefix => $"{Registry.Address}/{Namespace}";

    public static async Task<RehearsalSetup> StartAsync(string directory)
    {
        var registry = await CredentialedRegistry.StartAsync(Path.Combine(directory, "registry"));
        var sha = (await Git(RepoPaths.Root, "rev-parse", "HEAD")).Trim();
        var setup = new RehearsalSetup(directory, registry, sha, "rehearsal-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..8]);
        await Git(directory, "init", "-q", "--bare", setup.Origin);
        await Git(setup.Origin, "fetch", "-q", "--no-tags", RepoPaths.Root, $"+{sha}:refs/heads/main");
        await Git(setup.Origin, "update-ref", $"refs/pull/{PullRequestNumber}/merge", sha);
        var generated = await ProcessRunner.RunAsync("cosign", ["generate-key-pair"], directory, new Dictionary<string, string?> { ["COSIGN_PASSWORD"] = CosignPassword });
        if (!generated.Succeeded) throw new InvalidOperationException("cosign generate-key-pair failed: " + generated.Output);
        return setup;
    }

    /// <summary>
    /// A machine for one run (its own run directory) that runs only the given permutations (and steps); without
    /// <paramref name="onTheFixture"/> its runner environment adds nothing (as a GitHub-hosted runner's).
    /// </summary>
    public RehearsalMachine Machine(string runName, string[] permutations, Action<string> log, Func<JobDefinition, StepDefinition, string?>? leaveOutStep = null,
        bool onTheFixture = true)
    {
        var machine = new RehearsalMachine
        {
            RunDirectory = Path.Combine(Directory, runName),
            Registry = Registry,
            OriginRepository = Origin,
            GitHubApi = GitHubApi,
            Tokens = Tokens,
            LeaveOutStep = leaveOutStep ?? ((_, _) => null),
            Environment = !onTheFixture ? new() : new()
            {
                ["BAKE_FILE"] = "tests/fixture/docker-bake.hcl",
                ["PERMUTATIONS"] = string.Join(',', permutations),
                ["FIXTURE_STAMP"] = Namespace,
                ["TRIVY_EXE"] = TrivyDoubleLocator.ExecutablePath,
                ["TRIVY_TEST_DOUBLE_SBOM"] = RepoPaths.TrivySample("trivy-sbom-centos-7.cdx.json"),
                // A runner with a registry of its own stages pull-request images there (the build would start one
                // with docker on a GitHub-hosted runner; its image cannot be pulled here): the toolchain's, not the
                // credentialed registry the workflow's token reaches.
                ["STAGING_REGISTRY"] = $"{ToolchainEnvironment.RegistryAddress}/{Namespace}-staging",
                ["COSIGN_KEY"] = KeyPath,
                ["COSIGN_PASSWORD"] = CosignPassword,
            },
            Variables = new() { ["DEVCONTAINER_REGISTRY"] = RegistryPrefix },
            RunsCombination = combination => !combination.TryGetValue("permutation", out var id) || permutations.Contains(id as string),
            Log = log,
        };
        machine.InstallMissingGh();
        return machine;
    }

    /// <summary>
    /// A commit after <paramref name="parent"/> (default <see cref="Sha"/>) that writes <paramref name="file"/> (e.g. one
    /// no image is built from: a later push whose image inputs are unchanged), moved to <paramref name="ref"/> in the
    /// origin; returns its sha.
    /// </summary>
    public async Task<string> CommitAsync(string @ref, string file, string content, string? parent = null)
    {
        parent ??= Sha;
        var note = Path.Combine(Directory, "commit-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(note, content);
        var index = new Dictionary<string, string?> { ["GIT_INDEX_FILE"] = note + ".index" };
        var blob = (await Git(Origin, ["hash-object", "-w", note])).Trim();
        await Git(Origin, ["read-tree", parent], index);
        await Git(Origin, ["update-index", "--add", "--cacheinfo", $"100644,{blob},{file}"], index);
        var tree = (await Git(Origin, ["write-tree"], index)).Trim();
        var commit = (await Git(Origin, ["-c", "user.name=rehearsal", "-c", "user.email=rehearsal@example.invalid", "commit-tree", tree, "-p", parent, "-m", "Add " + file])).Trim();
        await Git(Origin, "update-ref", @ref, commit);
        return commit;
    }

    /// <summary>The credentialed registry's API with a token of its own (packages: write when <paramref name="write"/>).</summary>
    Harness.RegistryHttp RegistryApi(bool write) => new(Registry.Address, new AuthenticationHeaderValue("Basic",
        Convert.ToBase64String(Encoding.UTF8.GetBytes("test:" + Registry.Proxy.IssueToken("test", write)))));

    /// <summary>
    /// The manifest at <paramref name="tag"/> rewritten by <paramref name="change"/> and put back under that tag (as a
    /// registry's owner could); returns the new digest. E.g. an image index whose annotations date it days ago.
    /// </summary>
    public async Task<string> RewriteManifestAsync(string repository, string tag, Action<JsonObject> change)
    {
        using var registry = RegistryApi(write: true);
        var manifest = await registry.ManifestAsync($"{Namespace}/{repository}", tag) ?? throw new InvalidOperationException($"{repository}:{tag} is not in the registry");
        var json = manifest.Json;
        change(json);
        var rewritten = manifest with { Bytes = Encoding.UTF8.GetBytes(json.ToJsonString()) };
        await registry.PutManifestAsync($"{Namespace}/{repository}", tag, rewritten);
        return Harness.RegistryManifest.Sha256(rewritten.Bytes);
    }

    /// <summary>The annotations of the image index at <paramref name="reference"/> (a tag or digest).</summary>
    public async Task<JsonObject> IndexAnnotationsAsync(string repository, string reference)
    {
        using var registry = RegistryApi(write: false);
        var manifest = await registry.ManifestAsync($"{Namespace}/{repository}", reference) ?? throw new InvalidOperationException($"{repository}@{reference} is not in the registry");
        return manifest.Json["annotations"]!.AsObject();
    }

    /// <summary>tag → digest of a repository in the rehearsal's namespace, read with a packages: read token.</summary>
    public async Task<SortedDictionary<string, string>> TagsAsync(string repository)
    {
        using var registry = RegistryApi(write: false);
        var tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in await registry.TagsAsync($"{Namespace}/{repository}"))
            tags[tag] = (await registry.ManifestAsync($"{Namespace}/{repository}", tag))!.Digest;
        return tags;
    }

    /// <summary>`cosign verify --key` of an image with the rehearsal's publishing key, through the credentialed registry.</summary>
    public Task<ProcessResult> CosignVerifyAsync(string reference, Action<string> log) =>
        ProcessRunner.RunAsync("cosign", ["verify", "--key", PublicKeyPath, "--insecure-ignore-tlog", "--allow-http-registry",
            "--allow-insecure-registry", "--registry-username", "reader", "--registry-password", Registry.Proxy.IssueToken("test", write: false), reference],
            Directory, onLine: log);

    /// <summary>The message of the annotated tag <paramref name="tag"/> in the origin (empty when there is none).</summary>
    public async Task<string> TagMessageAsync(string tag) => (await ProcessRunner.RunAsync("git", ["--git-dir", Origin, "tag", "-l", "--format=%(contents)", tag])).StandardOutput;

    /// <summary>A file as <see cref="Sha"/> holds it.</summary>
    public Task<string> ShowAsync(string file) => Git(Origin, "show", $"{Sha}:{file}");

    static Task<string> Git(string directory, params string[] arguments) => Git(directory, arguments, null);

    static async Task<string> Git(string directory, string[] arguments, IReadOnlyDictionary<string, string?>? environment)
    {
        var result = await ProcessRunner.RunAsync("git", arguments, directory, environment);
        return result.Succeeded ? result.StandardOutput : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {result.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        await GitHubApi.DisposeAsync();
        await Registry.DisposeAsync();
    }
}
