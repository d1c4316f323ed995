using Pipeline.Host;
using Pipeline.Host.Tooling;
using Serilog;

/// <summary>
/// The main cache is imported only when main's own workflow signed it (<see cref="CachePolicy"/>, CachePolicy.Trust.cs):
/// before the override names it, each permutation's main cache tag is resolved to its digest and the signature on that
/// digest verified; after a default-branch bake, what it exported there is signed by the digest buildx reports.
/// </summary>
partial class Build
{
    /// <summary>The plan with every main cache import verified (by digest) or dropped, and main cache exports only where they can be signed.</summary>
    async Task<BakePlan> WithTrustedCacheAsync(BakePlan plan)
    {
        if (plan.Permutations.All(p => p.Cache.MainRead is null && p.Cache.MainWrite is null)) return plan;
        var plainHttp = RegistryHost.IsLoopback(plan.ImageRepository);
        var signingProblem = plan.Permutations.Any(p => p.Cache.MainWrite is not null) ? MainCacheSigningProblem(plainHttp) : null;
        var (verifier, verifyProblem) = await CacheVerifierAsync(plainHttp);
        var checks = await Task.WhenAll(plan.Permutations.Select(p => p.Cache.MainRead is { } reference
            ? CheckMainCacheAsync(reference, verifier, verifyProblem) : Task.FromResult<MainCacheCheck?>(null)));
        var trusted = plan.Permutations.Zip(checks, (p, check) =>
        {
            if (check is not null && CachePolicy.Warning(check) is { } warning) WarnInLogAndSummary(warning);
            else if (check?.State == MainCacheState.Verified)
                Log.Information("Main cache {Reference:l} verified ({Digest:l}); importing it by digest", check.Reference, check.Digest);
            if (p.Cache.MainWrite is { } write && signingProblem is not null) WarnInLogAndSummary(CachePolicy.UnsignedExportWarning(write, signingProblem));
            return p with { Cache = CachePolicy.Trusted(p.Cache, check, signingProblem) };
        }).ToList();
        return plan with { Permutations = trusted };
    }

    /// <summary>The main cache at <paramref name="reference"/>: absent, verified by digest, or refused with the reason.</summary>
    async Task<MainCacheCheck?> CheckMainCacheAsync(string reference, CacheVerifier? verifier, string? verifyProblem)
    {
        string? digest;
        var early = _mainCacheTags is null ? null : (await _mainCacheTags).GetValueOrDefault(reference); // read since the up-front checks
        if (early is { Error: null }) digest = early.Digest;
        else
        {
            try { digest = await ImageReader(reference).DigestOf(reference); }
            catch (RegistryOperationException e) { return MainCacheCheck.Refused(reference, "the registry could not be read: " + ToolOutput.LastLine(e.Message)); }
        }
        if (digest is null) return MainCacheCheck.Absent(reference);
        if (verifier is null) return MainCacheCheck.Refused(reference, verifyProblem!, digest);
        try
        {
            return await verifier.Client.IsSigned(CachePolicy.DigestReference(reference, digest))
                ? MainCacheCheck.Verified(reference, digest)
                : MainCacheCheck.Refused(reference, CachePolicy.NotSignedBy(verifier.Signer), digest);
        }
        catch (RegistryOperationException e)
        {
            return MainCacheCheck.Refused(reference, "its signature could not be checked: " + ToolOutput.LastLine(e.Message), digest);
        }
    }

    /// <summary>cosign verifying as the main cache must be signed (key, or the default branch's workflow identity), or why it cannot.</summary>
    async Task<(CacheVerifier? Verifier, string? Problem)> CacheVerifierAsync(bool plainHttp)
    {
        if (MainCacheVerifyProblem(plainHttp) is { } problem) return (null, problem);
        try
        {
            var identity = await Signing.ReadyAsync(forSigning: false, plainHttp, defaultBranchOnly: true);
            return (new CacheVerifier(OpenRegistry(plainHttp, identity), CachePolicy.SignerOf(identity.Verification, CosignPublicKey ?? CosignKey)), null);
        }
        catch (BuildInputException e)
        {
            return (null, NothingToVerifyWith(e.Message));
        }
    }

    /// <summary>Why this run has nothing to verify main's signature on the main cache with (no key, no keyless identity), or null; --plan asks the same.</summary>
    string? MainCacheVerifyProblem(bool plainHttp)
    {
        try
        {
            Signing.Decide(forSigning: false, plainHttp, defaultBranchOnly: true);
            return null;
        }
        catch (BuildInputException e)
        {
            return NothingToVerifyWith(e.Message);
        }
    }

    static string NothingToVerifyWith(string why) => "nothing to verify its signature with (" + why.TrimEnd('.') + ")";

    /// <summary>
    /// Null when this run can sign the main cache it exports (--cosign-key, or keyless in GitHub Actions), else why not. Decided
    /// without opening the key (the up-front check refuses a key that does not open), so --plan and Bake decide the same.
    /// </summary>
    string? MainCacheSigningProblem(bool plainHttp)
    {
        if (CosignKey is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ACTIONS_ID_TOKEN_REQUEST_URL")))
            return "this run cannot sign it: pass --cosign-key <cosign.key> with COSIGN_PASSWORD, or run in GitHub Actions with 'id-token: write'.";
        try
        {
            Signing.Decide(forSigning: true, plainHttp);
            return null;
        }
        catch (BuildInputException e)
        {
            return "this run cannot sign it (" + e.Message.TrimEnd('.') + ").";
        }
    }

    /// <summary>A permutation's cache as the plan shows it: the same trust decisions as Bake's, before the registry is read.</summary>
    CacheSettings PlannedCache(CacheSettings settings, bool plainHttp) => CachePolicy.Planned(settings,
        settings.MainRead is null ? null : MainCacheVerifyProblem(plainHttp), settings.MainWrite is null ? null : MainCacheSigningProblem(plainHttp));

    /// <summary>Signs, by the digest buildx reported, what each built permutation exported to the main cache; a failure is a warning.</summary>
    async Task SignExportedMainCachesAsync(BakePlan plan, IReadOnlyList<PermutationBake> built)
    {
        var writes = built.Where(p => p.Cache.MainWrite is not null).ToList();
        if (writes.Count == 0) return;
        var exported = BakeMetadata.CacheManifestDigests(File.ReadAllText(Layout.BakeMetadata));
        var references = new List<string>();
        foreach (var p in writes)
        {
            if (exported.TryGetValue(p.Permutation.BakeTarget, out var digest) && !CachePolicy.NeedsSignature(p.Cache, digest))
                Log.Information("Main cache {Reference:l} unchanged ({Digest:l}): its signature verified before the build, not signed again", p.Cache.MainWrite, digest);
            else if (digest is not null) references.Add(CachePolicy.DigestReference(p.Cache.MainWrite!, digest));
            else WarnInLogAndSummary($"Main cache {p.Cache.MainWrite} is not signed: buildx reported no cache manifest for {p.Permutation.BakeTarget} "
                + "(its export failed, see above), so no build imports it until the next default-branch build exports one.");
        }
        if (references.Count == 0) return;
        var plainHttp = RegistryHost.IsLoopback(plan.ImageRepository);
        try
        {
            await OpenRegistry(plainHttp, await Signing.ReadyAsync(forSigning: true, plainHttp)).Sign(references);
            Log.Information("Signed the main cache it exported: {References:l}", string.Join(", ", references));
        }
        catch (Exception e) when (e is RegistryOperationException or BuildInputException)
        {
            WarnInLogAndSummary($"Main cache not signed ({ToolOutput.LastLine(e.Message)}): no build imports {string.Join(", ", references)}; "
                + "the next default-branch build exports and signs a new one.");
        }
    }

    void WarnInLogAndSummary(string warning)
    {
        Log.Warning("{Warning:l}", warning);
        WriteStepSummary($"> **Warning:** {warning}");
    }

    /// <summary>A registry client that verifies as the main cache must be signed, and who that signer is (for the warning).</summary>
    sealed record CacheVerifier(RegistryClient Client, string Signer);
}
