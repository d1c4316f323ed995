using System.Security.Cryptography;
using Xunit;

namespace BuildTests.Preflight;

/// <summary>Issue 13, case 8: key problems found before anything is built, with the fix for the actual problem.</summary>
public class CosignKeyCheckTests
{
    static string PublicPem() => ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportSubjectPublicKeyInfoPem();

    [Fact]
    public void A_missing_key_says_it_is_missing_not_that_the_password_is_wrong()
    {
        var problem = CosignKeyCheck.PrivateKeyProblem("nokey.key", null);
        Assert.Equal("--cosign-key nokey.key does not exist; pass the path of your cosign.key (`cosign generate-key-pair` makes one), or omit it in GitHub Actions to sign keyless.", problem);
        Assert.DoesNotContain("COSIGN_PASSWORD", problem);
    }

    [Fact]
    public void A_file_that_is_not_a_cosign_private_key_is_named()
    {
        Assert.StartsWith("--cosign-key cosign.pub is not a cosign private key", CosignKeyCheck.PrivateKeyProblem("cosign.pub", PublicPem()));
        Assert.StartsWith("--cosign-key notes.txt is not a cosign private key", CosignKeyCheck.PrivateKeyProblem("notes.txt", "hello"));
        Assert.Null(CosignKeyCheck.PrivateKeyProblem("cosign.key", "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
    }

    [Fact]
    public void A_wrong_password_is_told_apart_from_an_unreadable_key()
    {
        Assert.Equal("--cosign-key k does not open with the password given (cosign: Error: decrypt: encrypted: decryption failed); set COSIGN_PASSWORD (or --cosign-password) to the key's password.",
            CosignKeyCheck.OpenProblem("k", "Error: decrypt: encrypted: decryption failed"));
        Assert.StartsWith("--cosign-key k could not be opened by cosign (Error: invalid pem block)", CosignKeyCheck.OpenProblem("k", "Error: invalid pem block"));
    }

    [Fact]
    public void No_password_at_all_is_told_apart_from_a_wrong_one()
    {
        Assert.Equal("--cosign-key k does not open without a password (COSIGN_PASSWORD is not set) (cosign: Error: decrypt: encrypted: decryption failed); set COSIGN_PASSWORD (or --cosign-password) to the key's password.",
            CosignKeyCheck.OpenProblem("k", "Error: decrypt: encrypted: decryption failed", passwordGiven: false));
    }

    [Fact]
    public void The_public_key_must_exist_be_a_key_and_match_the_private_key()
    {
        var mine = PublicPem();
        Assert.Null(CosignKeyCheck.PublicKeyProblem("cosign.pub", mine, null, null));
        Assert.Null(CosignKeyCheck.PublicKeyProblem("cosign.pub", mine, mine.Replace("\n", "\r\n"), "cosign.key"));
        Assert.StartsWith("--cosign-public-key gone.pub does not exist", CosignKeyCheck.PublicKeyProblem("gone.pub", null, null, null));
        Assert.StartsWith("--cosign-public-key x.pub is not a PEM public key", CosignKeyCheck.PublicKeyProblem("x.pub", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", null, null));
        Assert.StartsWith("--cosign-public-key x.pub is not a PEM public key", CosignKeyCheck.PublicKeyProblem("x.pub", "not pem", null, null));
        Assert.Equal("--cosign-public-key other.pub is not the public key of --cosign-key cosign.key, so nothing this run signs would verify; pass the matching cosign.pub, or drop --cosign-public-key (it is derived from the key).",
            CosignKeyCheck.PublicKeyProblem("other.pub", PublicPem(), mine, "cosign.key"));
    }
}
