using Pipeline.Host.Tooling;

namespace Pipeline.Tools;

/// <summary>
/// cosign arguments (checked against the installed cosign 2.x: sign/attest write tag-based `sha256-&lt;digest&gt;.sig`
/// and `.att` artifacts beside the image; the OCI 1.1 referrers mode is opt-in and not used).
/// With a key, nothing goes to the transparency log unless TlogUpload is set, and verification then ignores the tlog.
/// Without a key it signs keyless with the ambient GitHub OIDC token.
/// </summary>
public static class Cosign
{
    public const string Image = "gcr.io/projectsigstore/cosign:v2.5.3@sha256:920845e07017a9abe50a0e5a4b883cbc761228691ea80ebb16661b522e71a0bd";
    public const string InstallHint = "install cosign 2.x (apt-get install cosign) or set COSIGN_EXE.";
    public const string ProvenanceType = "slsaprovenance1";
    public const string SbomType = "cyclonedx";
    public const string GitHubOidcIssuer = "https://token.actions.githubusercontent.com";

    public static ToolLocation Locate(IReadOnlyDictionary<string, string?>? environment = null) => ToolLocation.Resolve("cosign", Image, InstallHint, environment);

    /// <summary>One call signs several images: the key is opened (and cosign started) once, not once per image.</summary>
    public static IReadOnlyList<string> SignArguments(CosignSigning signing, params IReadOnlyList<string> digestReferences) =>
        ["sign", "--yes", .. signing.Flags(), .. digestReferences];

    public static IReadOnlyList<string> AttestArguments(CosignSigning signing, string digestReference, string predicatePath, string type) =>
        // --replace: the attestation of this type replaces any earlier one, so two identical runs racing past the
        // "already attested?" check leave one attestation per type, not two.
        ["attest", "--yes", "--replace", "--type", type, "--predicate", predicatePath, .. signing.Flags(), digestReference];

    /// <summary>Verifies every image given (cosign fails when any one does not verify).</summary>
    public static IReadOnlyList<string> VerifyArguments(CosignVerification verification, params IReadOnlyList<string> digestReferences) =>
        ["verify", .. verification.Flags(), "--output", "json", .. digestReferences];

    public static IReadOnlyList<string> VerifyAttestationArguments(CosignVerification verification, string digestReference, string type) =>
        VerifyAttestationArguments(verification, type, [digestReference]);

    /// <summary>Verifies one attestation type on every image given (cosign fails when any one does not verify).</summary>
    public static IReadOnlyList<string> VerifyAttestationArguments(CosignVerification verification, string type, IReadOnlyList<string> digestReferences) =>
        ["verify-attestation", "--type", type, .. verification.Flags(), "--output", "json", .. digestReferences];

    public static IReadOnlyList<string> PublicKeyArguments(string keyPath, string outputPath) => ["public-key", "--key", keyPath, "--outfile", outputPath];

    /// <summary>cosign's words for "nothing signed/attested yet" (as opposed to a network or key failure).</summary>
    public static bool IsAbsent(string error) =>
        error.Contains("no signatures found", StringComparison.OrdinalIgnoreCase)
        || error.Contains("no matching signatures", StringComparison.OrdinalIgnoreCase)
        || error.Contains("no matching attestations", StringComparison.OrdinalIgnoreCase)
        || error.Contains("none of the attestations matched", StringComparison.OrdinalIgnoreCase);

    internal static string[] RegistryFlags(bool plainHttp) => plainHttp ? ["--allow-http-registry", "--allow-insecure-registry"] : [];
}

/// <summary>How to sign: with a key file (password in COSIGN_PASSWORD) or keyless (KeyPath null).</summary>
public sealed record CosignSigning(string? KeyPath, bool TlogUpload, bool PlainHttp)
{
    public IEnumerable<string> Flags()
    {
        if (KeyPath is not null) yield return "--key=" + KeyPath;
        // Keyless signing needs the log (Fulcio certificates are only trustworthy with it); with a key it is opt-in.
        if (KeyPath is not null && !TlogUpload) yield return "--tlog-upload=false";
        foreach (var flag in Cosign.RegistryFlags(PlainHttp)) yield return flag;
    }
}

/// <summary>
/// How to verify: with a public key, or keyless against a certificate identity, OIDC issuer and workflow trigger.
/// <paramref name="OrElse"/>: other keyless identities accepted as well (cosign checks one trigger per call, so each is
/// one more call, made only when the ones before do not verify: <see cref="Accepted"/>).
/// </summary>
public sealed record CosignVerification(string? PublicKeyPath, bool TlogUsed, bool PlainHttp, string? CertificateIdentityRegexp = null, string? OidcIssuer = null,
    string? WorkflowTrigger = null, IReadOnlyList<CosignVerification>? OrElse = null)
{
    /// <summary>This verification, then each alternative, in the order they are tried.</summary>
    public IReadOnlyList<CosignVerification> Accepted => [this with { OrElse = null }, .. OrElse ?? []];

    public IEnumerable<string> Flags()
    {
        if (PublicKeyPath is not null)
        {
            yield return "--key=" + PublicKeyPath;
            if (!TlogUsed) yield return "--insecure-ignore-tlog=true";
        }
        else
        {
            yield return "--certificate-identity-regexp=" + (CertificateIdentityRegexp ?? throw new InvalidOperationException(
                "Keyless verification needs the signer's identity; run in GitHub Actions or pass --cosign-key / --cosign-public-key."));
            yield return "--certificate-oidc-issuer=" + (OidcIssuer ?? Cosign.GitHubOidcIssuer);
            if (WorkflowTrigger is not null) yield return "--certificate-github-workflow-trigger=" + WorkflowTrigger;
        }
        foreach (var flag in Cosign.RegistryFlags(PlainHttp)) yield return flag;
    }
}
