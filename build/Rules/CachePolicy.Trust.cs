namespace Pipeline.Rules;

/// <summary>What the registry and cosign said about the main cache a build would import.</summary>
public enum MainCacheState
{
    /// <summary>No cache at the tag yet (the first default-branch build has not run): nothing to import, nothing to warn about.</summary>
    Absent,
    /// <summary>The digest the tag points at carries a signature that verifies as main's: imported by that digest.</summary>
    Verified,
    /// <summary>Not imported: no signature that verifies, nothing to verify it with, or the registry could not be read.</summary>
    Refused,
}

/// <param name="Reference">The main cache's tag ref (<c>&lt;cache repository&gt;:&lt;id&gt;-main[-&lt;arch&gt;]</c>).</param>
/// <param name="Digest">The digest the tag pointed at when it was checked: the one a verified cache is imported by.</param>
public sealed record MainCacheCheck(string Reference, MainCacheState State, string? Digest = null, string? Reason = null)
{
    public static MainCacheCheck Absent(string reference) => new(reference, MainCacheState.Absent);

    public static MainCacheCheck Verified(string reference, string digest) => new(reference, MainCacheState.Verified, digest);

    public static MainCacheCheck Refused(string reference, string reason, string? digest = null) => new(reference, MainCacheState.Refused, digest, reason);
}

/// <summary>
/// Trust in the main cache. A token that can write packages can overwrite <c>&lt;id&gt;-main[-&lt;arch&gt;]</c> (GHCR scopes
/// tokens per repository, and a same-repository pull request can grant itself <c>packages: write</c> by editing the workflow),
/// so the tag proves nothing. What main's own build exports is signed after the export, by the digest buildx reports for it
/// (keyless: the publishing workflow on the default branch, triggered by a push; locally: <c>--cosign-key</c>); before any
/// build imports the main cache, the signature on the digest the tag points at is verified, and the cache is imported by
/// that digest, so the tag cannot move between the check and the import. A cache that does not verify is not imported: the
/// build goes on cold, with one warning (log and job summary). Refusing it costs build time only, and failing instead would
/// let anyone who can overwrite the tag stop every main build; the next default-branch build exports and signs a new one.
/// </summary>
public static partial class CachePolicy
{
    /// <summary><c>repo-cache:gcc14-clang20-main</c> + digest → <c>repo-cache@sha256:…</c>: the import cannot follow a moved tag.</summary>
    public static string DigestReference(string tagReference, string digest)
    {
        var tagStart = tagReference.LastIndexOf(':');
        var repository = tagStart > tagReference.LastIndexOf('/') ? tagReference[..tagStart] : tagReference;
        return $"{repository}@{digest}";
    }

    /// <summary>
    /// The settings bake gets: the main cache import replaced by the verified digest, or dropped (absent, or refused); the main
    /// cache export dropped when nothing can sign it (<paramref name="signingProblem"/>), since an unsigned export would only
    /// displace the signed cache, and no build imports an unsigned one.
    /// </summary>
    /// <param name="check">The check of <see cref="CacheSettings.MainRead"/>; null when the settings import no main cache.</param>
    public static CacheSettings Trusted(CacheSettings settings, MainCacheCheck? check, string? signingProblem)
    {
        var from = settings.From;
        string? trust = null;
        if (settings.MainRead is { } mainRead)
        {
            if (check?.Reference != mainRead) throw new ArgumentException($"The main cache {mainRead} was not checked; check it before bake imports it.");
            from = settings.From.SelectMany(entry => RefOf(entry) != mainRead ? [entry]
                : check.State == MainCacheState.Verified ? [ReplaceRef(entry, DigestReference(mainRead, check.Digest!))] : Array.Empty<string>()).ToList();
            trust = check.State switch
            {
                MainCacheState.Verified => $"{mainRead} verified as main's ({check.Digest}), imported by digest",
                MainCacheState.Absent => $"{mainRead} does not exist yet, nothing imported",
                _ => $"{mainRead} refused ({check.Reason}), built without it",
            };
        }
        var (to, mainWrite, trustWithExport) = SignableExport(settings, signingProblem, trust);
        var verifiedWrite = mainWrite is not null && mainWrite == settings.MainRead && check?.State == MainCacheState.Verified ? check.Digest : null;
        return new CacheSettings(from, to, null, mainWrite, trustWithExport ?? settings.Trust, verifiedWrite);
    }

    /// <summary>
    /// What --plan shows before anything reads the registry, decided as <see cref="Trusted"/> decides: with nothing to verify
    /// main's signature with (<paramref name="verifyProblem"/>), the main cache is not imported whether or not it exists; else
    /// it is imported by digest once the signature verifies (the tag stays in <see cref="CacheSettings.From"/>, the run replaces
    /// it). The export is dropped when nothing can sign it, exactly as the run drops it.
    /// </summary>
    public static CacheSettings Planned(CacheSettings settings, string? verifyProblem, string? signingProblem)
    {
        var from = settings.From;
        string? trust = null;
        if (settings.MainRead is { } mainRead)
        {
            from = verifyProblem is null ? from : from.Where(entry => RefOf(entry) != mainRead).ToList();
            trust = verifyProblem is null ? $"{mainRead} imported by digest only once main's signature on it verifies"
                : $"{mainRead} not imported, whether or not it exists: {verifyProblem}";
        }
        var (to, mainWrite, trustWithExport) = SignableExport(settings, signingProblem, trust);
        return settings with { From = from, To = to, MainWrite = mainWrite, Trust = trustWithExport };
    }

    /// <summary>The export without the main cache when nothing can sign it (an unsigned export would only displace the signed cache).</summary>
    static (IReadOnlyList<string> To, string? MainWrite, string? Trust) SignableExport(CacheSettings settings, string? signingProblem, string? trust)
    {
        if (settings.MainWrite is not { } mainWrite || signingProblem is null) return (settings.To, settings.MainWrite, trust);
        return (settings.To.Where(entry => RefOf(entry) != mainWrite).ToList(), null,
            (trust is null ? "" : trust + "; ") + $"{mainWrite} not exported: nothing to sign it with");
    }

    /// <summary>
    /// Whether what bake exported to the main cache (<paramref name="exportedDigest"/>) must be signed: not when it is the
    /// manifest whose signature verified as main's before the build (a rebuild that changed no cached step exports the same
    /// bytes; their signature is still beside them), which saves a cosign call — a key decryption — per cached build.
    /// </summary>
    public static bool NeedsSignature(CacheSettings settings, string exportedDigest) => settings.VerifiedMainWrite != exportedDigest;

    /// <summary>The one warning line for a refused main cache, naming the ref and why (log and job summary).</summary>
    public static string? Warning(MainCacheCheck check) => check.State != MainCacheState.Refused ? null
        : $"Not importing the main cache {check.Reference}{(check.Digest is null ? "" : $" ({check.Digest})")}: {check.Reason}; building without it "
          + "(cold; the next default-branch build exports and signs a new one).";

    /// <summary>The warning when a default-branch build cannot sign what it would export to the main cache.</summary>
    public static string UnsignedExportWarning(string reference, string problem) =>
        $"Not exporting the main cache {reference}: {problem} No build imports an unsigned main cache, so exporting it would only displace the signed one.";

    /// <summary>Why a cache with a digest did not verify: no signature on it verifies against <paramref name="signer"/>.</summary>
    public static string NotSignedBy(string signer) => $"no signature on it verifies as {signer}";

    /// <summary>Who must have signed the main cache, as <paramref name="verification"/> checks it, for the warning.</summary>
    /// <param name="keyAsGiven">The key as the user named it (--cosign-public-key, else --cosign-key): a basename could be another file's.</param>
    public static string SignerOf(CosignVerification verification, string? keyAsGiven = null) => verification.PublicKeyPath is { } key
        ? $"signed with the key {keyAsGiven ?? key}"
        : $"main's workflow ({verification.CertificateIdentityRegexp}, trigger {string.Join(" or ", verification.Accepted.Select(v => v.WorkflowTrigger ?? "any").Distinct())})";

    /// <summary>
    /// Refuses an import of this permutation's main cache by tag in what bake will build (a bake file's own cache-from
    /// the override did not replace): it would skip the signature check. By digest, or any other scope, passes.
    /// </summary>
    public static void EnsureVerifiedImport(string imageRepository, string permutationId, string cacheFrom)
    {
        if (!cacheFrom.Contains("type=registry", StringComparison.Ordinal) && cacheFrom.Contains("type=", StringComparison.Ordinal)) return;
        var reference = RefOf(cacheFrom) ?? "";
        var mainTag = $"{CacheRepository(imageRepository)}:{permutationId}-{MainScope}";
        if (reference == mainTag || reference.StartsWith(mainTag + "-", StringComparison.Ordinal))
            throw new CachePoisoningException($"Cache import '{reference}' reads the main cache by tag, unverified; remove cache-from from the bake file "
                + "(the build class imports the main cache by digest once main's signature on it verifies).");
    }

    static string? RefOf(string entry) => entry.Split(',').Select(f => f.Split('=', 2)).FirstOrDefault(kv => kv is [_, _] && kv[0] == "ref")?[1];

    static string ReplaceRef(string entry, string reference) =>
        string.Join(',', entry.Split(',').Select(f => f.StartsWith("ref=", StringComparison.Ordinal) ? "ref=" + reference : f));
}
