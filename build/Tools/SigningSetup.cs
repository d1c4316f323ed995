namespace Pipeline.Tools;

/// <summary>
/// This run's cosign signing and verification: <see cref="SigningPolicy"/> decides key-based or keyless; when
/// verification uses the private key's own public key, that key is derived once per run (<see cref="CosignKeys"/>)
/// and written, whole or not at all, to the run's own file before anything verifies with it.
/// </summary>
/// <param name="keyFlag">--cosign-key as given, for messages; <paramref name="keyPath"/> is its full path.</param>
public sealed class SigningSetup(string? keyFlag, string? keyPath, string? publicKeyPath, bool tlogUpload, string defaultBranch,
    string derivedPublicKeyFile, IReadOnlyDictionary<string, string?> cosignEnvironment, string workingDirectory)
{
    readonly Lock _deriving = new();
    Task<(string? Pem, string Error)>? _derivedPublicKey;

    /// <summary>The key derivation, when one was started (a refused run waits for it: no cosign outlives it).</summary>
    public Task? DerivationStarted
    {
        get { lock (_deriving) return _derivedPublicKey; }
    }

    public bool PasswordGiven => !string.IsNullOrEmpty(cosignEnvironment.GetValueOrDefault("COSIGN_PASSWORD"));

    /// <summary>How to sign and verify; throws <see cref="Pipeline.Host.BuildInputException"/> when there is no identity.</summary>
    public SigningIdentity Decide(bool forSigning, bool plainHttp, bool defaultBranchOnly = false) =>
        SigningPolicy.Decide(keyPath, publicKeyPath, tlogUpload, plainHttp, forSigning, Environment.GetEnvironmentVariable, derivedPublicKeyFile, defaultBranch,
            defaultBranchOnly);

    /// <summary>
    /// The public key of --cosign-key, derived once per run however many ask at once (the up-front check opens the key the
    /// same way; Bake starts it before its plan needs it: cosign decrypting the key is a third of a second).
    /// </summary>
    public Task<(string? Pem, string Error)> DerivedPublicKeyAsync()
    {
        lock (_deriving) return _derivedPublicKey ??= CosignKeys.DerivePublicKeyAsync(Cosign.Locate(), keyPath!, cosignEnvironment, workingDirectory);
    }

    /// <summary>The identity with its derived public key in place; a key that does not open is bad input (one line).</summary>
    /// <param name="defaultBranchOnly">Keyless verification accepts the default branch's certificates only (the main cache).</param>
    public async Task<SigningIdentity> ReadyAsync(bool forSigning, bool plainHttp, bool defaultBranchOnly = false)
    {
        var identity = Decide(forSigning, plainHttp, defaultBranchOnly);
        if (identity.DerivePublicKeyFrom is null) return identity;
        var (pem, error) = await DerivedPublicKeyAsync();
        CosignKeys.WriteAtomically(derivedPublicKeyFile, pem ?? throw new Pipeline.Host.BuildInputException(CosignKeyCheck.OpenProblem(keyFlag!, error, PasswordGiven)));
        return identity;
    }
}
