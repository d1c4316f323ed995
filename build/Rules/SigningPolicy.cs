using Pipeline.Host;

namespace Pipeline.Rules;

/// <summary>How this run signs and verifies; <see cref="DerivePublicKeyFrom"/> is set when the public key must be derived first.</summary>
public sealed record SigningIdentity(CosignSigning? Signing, CosignVerification Verification, string? DerivePublicKeyFrom);

/// <summary>
/// Chooses key-based or keyless signing: `--cosign-key` signs with the key (no transparency log unless
/// `--tlog-upload`) and verifies with `--cosign-public-key` or the key's derived public key; without a key, GitHub
/// Actions' OIDC token signs keyless and verification checks the publishing workflow's identity: only
/// <see cref="PublishingWorkflow"/> on the default branch or a release tag, triggered by a push, or on the default branch
/// run by <see cref="RefreshTrigger"/> (the freshness workflow asks the publishing workflow to rebuild through GitHub's
/// API, so a refreshed image is built, signed and published by the same workflow file as a pushed one) — not any other
/// workflow of the repository, not a pull request, not a release tag run by hand.
/// </summary>
public static class SigningPolicy
{
    /// <summary>The one workflow whose signatures are trusted (generated from build/Build.CI.GitHubActions.cs).</summary>
    public const string PublishingWorkflow = ".github/workflows/build-devcontainer.yml";

    /// <summary>The event that publishes (push to the default branch or a release tag), checked in the certificate.</summary>
    public const string PublishingTrigger = "push";

    /// <summary>
    /// The event that refreshes (the freshness workflow's workflow_dispatch of <see cref="PublishingWorkflow"/>), accepted
    /// on the default branch only: its run builds main's reviewed workflow and code, like a push to main; the inputs it
    /// takes only choose which permutations fetch new packages. On a release tag it is refused: a release publishes when
    /// its tag is pushed.
    /// </summary>
    public const string RefreshTrigger = "workflow_dispatch";

    /// <param name="defaultBranchOnly">Keyless verification accepts only the default branch's certificates, not a release
    /// tag's: the main cache, which only a default-branch build writes (<see cref="CachePolicy"/>).</param>
    public static SigningIdentity Decide(string? key, string? publicKey, bool tlogUpload, bool plainHttp, bool forSigning,
        Func<string, string?> env, string derivedPublicKeyPath, string defaultBranch = "main", bool defaultBranchOnly = false)
    {
        if (key is not null)
        {
            var verifyWith = publicKey ?? derivedPublicKeyPath;
            return new SigningIdentity(forSigning ? new CosignSigning(key, tlogUpload, plainHttp) : null,
                new CosignVerification(verifyWith, tlogUpload, plainHttp), publicKey is null ? key : null);
        }
        if (forSigning && string.IsNullOrEmpty(env("ACTIONS_ID_TOKEN_REQUEST_URL")))
            throw new BuildInputException("Publish needs a signing identity: pass --cosign-key <cosign.key> with COSIGN_PASSWORD, or run in GitHub Actions with 'id-token: write' for keyless signing.");
        if (!forSigning && publicKey is not null)
            return new SigningIdentity(null, new CosignVerification(publicKey, tlogUpload, plainHttp), null);
        var repository = env("GITHUB_REPOSITORY");
        if (string.IsNullOrEmpty(repository))
            throw new BuildInputException("Verifying keyless signatures needs the signer's identity: run in GitHub Actions, or pass --cosign-public-key / --cosign-key.");
        var server = (env("GITHUB_SERVER_URL") is { Length: > 0 } s ? s : "https://github.com").TrimEnd('/');
        // cosign checks one trigger per call: the default branch's refresh is a second identity, tried when the push one fails.
        var refresh = new CosignVerification(null, TlogUsed: true, plainHttp, DefaultBranchIdentityRegexp(server, repository, defaultBranch),
            Cosign.GitHubOidcIssuer, RefreshTrigger);
        return new SigningIdentity(forSigning ? new CosignSigning(null, TlogUpload: true, plainHttp) : null,
            new CosignVerification(null, TlogUsed: true, plainHttp,
                defaultBranchOnly ? DefaultBranchIdentityRegexp(server, repository, defaultBranch) : IdentityRegexp(server, repository, defaultBranch),
                Cosign.GitHubOidcIssuer, PublishingTrigger, OrElse: [refresh]), null);
    }

    /// <summary>`https://github.com/o/r/.github/workflows/build-devcontainer.yml@refs/heads/main` or `...@refs/tags/vX.Y.Z[-pre][+build]`, anchored.</summary>
    public static string IdentityRegexp(string server, string repository, string defaultBranch)
    {
        static string E(string text) => System.Text.RegularExpressions.Regex.Escape(text);
        return $"^{E($"{server}/{repository}/{PublishingWorkflow}@refs/")}(heads/{E(defaultBranch)}|tags/v[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]*)?)$";
    }

    /// <summary>`https://github.com/o/r/.github/workflows/build-devcontainer.yml@refs/heads/main` alone, anchored.</summary>
    public static string DefaultBranchIdentityRegexp(string server, string repository, string defaultBranch) =>
        "^" + System.Text.RegularExpressions.Regex.Escape($"{server}/{repository}/{PublishingWorkflow}@refs/heads/{defaultBranch}") + "$";
}
