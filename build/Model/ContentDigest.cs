using System.Security.Cryptography;

namespace Pipeline.Model;

/// <summary>The OCI content digest (`sha256:<hex>`) of a file or of bytes: archives, manifests, bake files, predicates.</summary>
public static class ContentDigest
{
    public static string Sha256Hex(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string Sha256(string path) => "sha256:" + Sha256Hex(path);

    public static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}
