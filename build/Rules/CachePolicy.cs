namespace Pipeline.Rules;

/// <summary>The cache-from / cache-to entries of one bake target, in buildx's CSV form.</summary>
/// <param name="MainRead">The main cache's tag ref among <paramref name="From"/>: imported only by digest once main's signature on it
/// verifies (<see cref="CachePolicy.Trusted"/> replaces or drops it; null afterwards).</param>
/// <param name="MainWrite">The main cache's tag ref in <paramref name="To"/>: what was exported there is signed after the build.</param>
/// <param name="Trust">What the check of the main cache found, for the plan and the log (set by <see cref="CachePolicy.Trusted"/>).</param>
/// <param name="VerifiedMainWrite">The digest <paramref name="MainWrite"/> held when main's signature on it verified before the build
/// (set by <see cref="CachePolicy.Trusted"/>): an export of exactly that manifest is already signed.</param>
public sealed record CacheSettings(IReadOnlyList<string> From, IReadOnlyList<string> To,
    string? MainRead = null, string? MainWrite = null, string? Trust = null, string? VerifiedMainWrite = null)
{
    public static readonly CacheSettings Empty = new([], []);
}

/// <summary>A cache write that would let an untrusted run poison a shared cache.</summary>
public sealed class CachePoisoningException(string message) : Exception(message);

/// <summary>
/// Registry cache per permutation, <c>type=registry,mode=max</c>, in <c>&lt;image repository&gt;-cache</c>:
/// <list type="bullet">
/// <item>default branch reads and writes <c>&lt;id&gt;-main</c>;</item>
/// <item>pull request N reads <c>&lt;id&gt;-main</c> and <c>&lt;id&gt;-pr-N</c> and writes only <c>&lt;id&gt;-pr-N</c>;
/// a pull request from a fork writes nothing (its token cannot push, and its content is untrusted);</item>
/// <item>release tags and local builds read <c>&lt;id&gt;-main</c> and write nothing.</item>
/// </list>
/// <see cref="CacheMode.RegistryRead"/> reads <c>&lt;id&gt;-main</c> and writes nothing in every mode: the generated
/// pull-request jobs use it, since their `packages: read` token could not write <c>&lt;id&gt;-pr-N</c> either.
/// A build of one platform of a multi-platform permutation (native per-platform jobs) uses the same scopes with the
/// platform appended (<c>&lt;id&gt;-main-arm64</c>, <c>&lt;id&gt;-pr-N-arm64</c>), so each platform's runner has its own cache.
/// The main cache is written only by a default-branch build: <see cref="EnsureWritable"/> refuses anything else and
/// runs on every write this policy returns, so no caller (or generated workflow) can get a main write from a PR.
/// Registries on loopback are reached over plain HTTP (<c>registry.insecure=true</c>), as Docker does.
/// Only cache main's own workflow wrote is imported: see CachePolicy.Trust.cs.
/// </summary>
public static partial class CachePolicy
{
    public const string MainScope = "main";

    /// <summary>BuildKit's cache-export option: a failed export is a warning, not a failed build.</summary>
    public const string IgnoreError = "ignore-error=true";

    public static string CacheRepository(string imageRepository) => imageRepository + "-cache";

    public static string Scope(BuildContext context) => context.Mode == BuildMode.PullRequest ? $"pr-{context.PullRequestNumber}" : MainScope;

    /// <param name="platform">Set when the build covers one platform of a multi-platform permutation (a per-platform CI job):
    /// each platform then has its own ref, <c>&lt;id&gt;-&lt;scope&gt;-&lt;arch&gt;</c>, so native runners never overwrite each other's cache.</param>
    public static string CacheRef(string imageRepository, string permutationId, string scope, string? platform = null) =>
        $"{CacheRepository(imageRepository)}:{permutationId}-{scope}{(platform is null ? "" : "-" + PlatformSlug(platform))}";

    /// <summary><c>linux/arm64</c> → <c>arm64</c>, <c>linux/arm/v7</c> → <c>arm-v7</c>: a platform as a tag or folder name part.</summary>
    public static string PlatformSlug(string platform) =>
        platform.Contains('/') ? string.Join("-", platform.Split('/')[1..]) : platform;

    /// <summary>The platform a cache ref is keyed by: the one platform built, when the permutation has several; else none (one ref for the index).</summary>
    public static string? CachePlatform(IReadOnlyList<string> built, IReadOnlyList<string> permutationPlatforms) =>
        built.Count == 1 && permutationPlatforms.Count > 1 ? built[0] : null;

    public static CacheSettings For(BuildContext context, CacheMode mode, string imageRepository, string permutationId, string localCacheDirectory, string? platform = null)
    {
        switch (mode)
        {
            case CacheMode.None:
                return CacheSettings.Empty;
            case CacheMode.Local:
                var directory = Path.Combine(localCacheDirectory, permutationId + (platform is null ? "" : "-" + PlatformSlug(platform)));
                return new([$"type=local,src={directory}"], [$"type=local,dest={directory},mode=max"]);
        }
        var insecure = RegistryHost.IsLoopback(imageRepository) ? ",registry.insecure=true" : "";
        string Read(string scope) => $"type=registry,ref={CacheRef(imageRepository, permutationId, scope, platform)}{insecure}";
        var mainRead = CacheRef(imageRepository, permutationId, MainScope, platform);
        if (mode == CacheMode.RegistryRead) return new([Read(MainScope)], [], mainRead);
        var from = new List<string> { Read(MainScope) };
        string? writeScope = null;
        switch (context.Mode)
        {
            case BuildMode.DefaultBranch:
                writeScope = MainScope;
                break;
            case BuildMode.PullRequest:
                from.Add(Read(Scope(context)));
                if (!context.IsForkPullRequest) writeScope = Scope(context);
                break;
        }
        if (writeScope is null) return new(from, [], mainRead);
        EnsureWritable(context, writeScope);
        var write = CacheRef(imageRepository, permutationId, writeScope, platform);
        // A failed export must not fail a build that succeeded (hours of LLVM); Bake reports it instead (CacheExportReport).
        return new(from, [$"type=registry,ref={write},mode=max{insecure},{IgnoreError}"], mainRead, writeScope == MainScope ? write : null);
    }

    /// <summary>Throws unless <paramref name="context"/> may write the cache scope: main only from the default branch, pr-N only from PR N (not a fork).</summary>
    public static void EnsureWritable(BuildContext context, string scope)
    {
        var allowed = context.Mode switch
        {
            BuildMode.DefaultBranch => scope == MainScope,
            BuildMode.PullRequest => !context.IsForkPullRequest && scope == Scope(context),
            _ => false,
        };
        if (!allowed)
            throw new CachePoisoningException($"Refusing to write cache scope '{scope}' from a {context.Mode} build ({context.Reason}); only the default branch writes '{MainScope}' and only pull request N (not from a fork) writes 'pr-N'.");
    }
}
