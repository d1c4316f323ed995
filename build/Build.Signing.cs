using System.Linq.Expressions;
using Pipeline.Host;

/// <summary>How this run signs and verifies (key-based or keyless, <see cref="SigningPolicy"/>) and the registry client that does it.</summary>
partial class Build
{
    [Parameter("cosign private key for local signing (password in COSIGN_PASSWORD); omit in GitHub Actions to sign keyless with its OIDC token")]
    readonly string? CosignKey;

    [Parameter("Password of --cosign-key"), Secret]
    readonly string? CosignPassword;

    [Parameter("Public key to verify signatures with (default: derived from --cosign-key)")]
    readonly string? CosignPublicKey;

    [Parameter("Upload key-based signatures to the transparency log (keyless signing always does)")]
    readonly bool TlogUpload;

    /// <summary>What <see cref="Signing"/> reads (the keyless identity names the default branch), for the .Reads of the targets that sign or verify.</summary>
    Expression<Func<object?>>[] SigningParameters => [() => CosignKey, () => CosignPassword, () => CosignPublicKey, () => TlogUpload, () => DefaultBranch];

    /// <summary>skopeo and cosign for these permutations' registry, signing and verifying as <see cref="SigningPolicy"/> decides.</summary>
    async Task<RegistryClient> OpenRegistryAsync(IReadOnlyList<ManifestPermutation> permutations, bool forSigning)
    {
        var plainHttp = permutations.All(p => RegistryHost.IsLoopback(p.Repository));
        return OpenRegistry(plainHttp, await Signing.ReadyAsync(forSigning, plainHttp));
    }

    RegistryClient OpenRegistry(bool plainHttp, SigningIdentity identity) =>
        new(Skopeo.Locate(), plainHttp, RetryPolicy.Default, RootDirectory, new CosignAccess(Cosign.Locate(), identity.Signing, identity.Verification, CosignEnvironment));


    SigningSetup? _signing;
    SigningSetup Signing => _signing ??= new(CosignKey, Full(CosignKey), Full(CosignPublicKey), TlogUpload, DefaultBranch, Layout.DerivedPublicKey, CosignEnvironment, RootDirectory);

    /// <summary>COSIGN_PASSWORD reaches cosign through its environment only (masked in every log line).</summary>
    IReadOnlyDictionary<string, string?> CosignEnvironment
    {
        get
        {
            var password = CosignPassword ?? Environment.GetEnvironmentVariable("COSIGN_PASSWORD");
            SecretMasker.Register(password, declared: true);
            return new Dictionary<string, string?> { ["COSIGN_PASSWORD"] = password ?? "" };
        }
    }

    static string? Full(string? path) => path is null ? null : Path.GetFullPath(path);
}
