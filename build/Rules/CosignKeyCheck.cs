using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pipeline.Rules;

/// <summary>
/// Whether the cosign key files of a run can sign and verify, decided from their text and from what cosign said when
/// it opened the private key with the password (<c>cosign public-key</c>). Checked before anything is built or pushed.
/// </summary>
public static class CosignKeyCheck
{
    static readonly string[] PrivateKeyHeaders = ["-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----", "-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----"];

    /// <summary>The private key file before cosign opens it: null when it exists and looks like a cosign key.</summary>
    public static string? PrivateKeyProblem(string flagValue, string? text)
    {
        if (text is null)
            return $"--cosign-key {flagValue} does not exist; pass the path of your cosign.key (`cosign generate-key-pair` makes one), or omit it in GitHub Actions to sign keyless.";
        if (!PrivateKeyHeaders.Any(h => text.TrimStart().StartsWith(h, StringComparison.Ordinal)))
            return $"--cosign-key {flagValue} is not a cosign private key (it does not start with {PrivateKeyHeaders[0]}); pass the cosign.key file, not cosign.pub or another PEM.";
        return null;
    }

    /// <summary>cosign could not derive the public key: a wrong or missing password, or a key it cannot read.</summary>
    public static string OpenProblem(string flagValue, string cosignError, bool passwordGiven = true) =>
        cosignError.Contains("decrypt", StringComparison.OrdinalIgnoreCase)
            ? $"--cosign-key {flagValue} does not open {(passwordGiven ? "with the password given" : "without a password (COSIGN_PASSWORD is not set)")} (cosign: {cosignError}); set COSIGN_PASSWORD (or --cosign-password) to the key's password."
            : $"--cosign-key {flagValue} could not be opened by cosign ({cosignError}); pass a key made by `cosign generate-key-pair`.";

    /// <summary>The public key file: null when it exists and holds a PEM public key; checked against the private key when both are given.</summary>
    public static string? PublicKeyProblem(string flagValue, string? text, string? derivedFromPrivateKey, string? privateKeyFlag)
    {
        if (text is null)
            return $"--cosign-public-key {flagValue} does not exist; pass the cosign.pub the images were signed for.";
        if (SubjectPublicKeyInfo(text) is not { } given)
            return $"--cosign-public-key {flagValue} is not a PEM public key (-----BEGIN PUBLIC KEY-----); pass the cosign.pub file.";
        if (derivedFromPrivateKey is not null && SubjectPublicKeyInfo(derivedFromPrivateKey) is { } derived && !given.AsSpan().SequenceEqual(derived))
            return $"--cosign-public-key {flagValue} is not the public key of --cosign-key {privateKeyFlag}, so nothing this run signs would verify; pass the matching cosign.pub, or drop --cosign-public-key (it is derived from the key).";
        return null;
    }

    /// <summary>The DER SubjectPublicKeyInfo of a PEM public key, or null when the text holds none.</summary>
    public static byte[]? SubjectPublicKeyInfo(string pem)
    {
        try
        {
            var fields = PemEncoding.Find(pem);
            if (pem[fields.Label] != "PUBLIC KEY") return null;
            var der = Convert.FromBase64String(pem[fields.Base64Data]);
            PublicKey.CreateFromSubjectPublicKeyInfo(der, out _); // throws unless it is a key
            return der;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or CryptographicException)
        {
            return null;
        }
    }
}
