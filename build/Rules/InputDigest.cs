using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Rules;

/// <summary>One file of a build context: its path relative to the context ('/' separators) and its exact bytes.</summary>
public sealed record ContextFile(string RelativePath, byte[] Content, bool Executable = false);

/// <summary>Everything that decides what one permutation's image will contain (and nothing that only labels it).</summary>
public sealed record InputDigestInputs(
    string PermutationId,
    string? Stage,
    string DockerfilePath,
    byte[] Dockerfile,
    IReadOnlyList<ContextFile> ContextFiles,
    IReadOnlyDictionary<string, string> BuildArgs,
    IReadOnlyList<string> PinnedImages,
    IReadOnlyList<string> Platforms);

/// <summary>
/// The input digest of a permutation: sha256 over the Dockerfile, every build-context file (sorted relative path,
/// executable bit and bytes — line endings are NOT normalised, bytes are what COPY copies), the build args, every
/// external image the build uses pinned to its resolved digest, the platforms and the target stage. No timestamps, no absolute paths, no commit:
/// the same inputs give the same digest on any machine and any commit, so an unchanged permutation can reuse the
/// image published before (see <see cref="ReuseDecision"/>). Recorded as the <see cref="LabelKey"/> label/annotation
/// and as <c>inputDigest</c> in manifest.json.
/// </summary>
public static class InputDigest
{
    public const string LabelKey = "dev.devcontainer-pipeline.input-digest";

    /// <summary>Bumped whenever what goes into the digest changes, so old and new digests never compare equal by accident.</summary>
    const string Version = "devcontainer-pipeline/input-digest/v2";

    public static string Compute(InputDigestInputs inputs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Field(string name, string value) => Bytes(name, Encoding.UTF8.GetBytes(value));
        void Bytes(string name, byte[] value)
        {
            // Length-prefixed fields: no two different input sets can produce the same byte stream.
            var header = Encoding.UTF8.GetBytes(name);
            hash.AppendData(Length(header.Length));
            hash.AppendData(header);
            hash.AppendData(Length(value.Length));
            hash.AppendData(value);
        }

        Field("version", Version);
        Field("permutation", inputs.PermutationId);
        Field("stage", inputs.Stage ?? "");
        Field("dockerfile.path", Normalise(inputs.DockerfilePath));
        Bytes("dockerfile", inputs.Dockerfile);
        foreach (var image in inputs.PinnedImages.Distinct().Order(StringComparer.Ordinal))
            Field("image", image);
        foreach (var platform in inputs.Platforms.Select(p => p.Trim()).Distinct().Order(StringComparer.Ordinal))
            Field("platform", platform);
        foreach (var (key, value) in inputs.BuildArgs.OrderBy(a => a.Key, StringComparer.Ordinal))
            Field("arg:" + key, value);
        var files = inputs.ContextFiles.Select(f => f with { RelativePath = Normalise(f.RelativePath) }).ToList();
        var duplicate = files.GroupBy(f => f.RelativePath, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Build context lists '{duplicate.Key}' twice; pass each context file once.");
        foreach (var file in files.OrderBy(f => f.RelativePath, StringComparer.Ordinal))
        {
            Field("file", file.RelativePath + (file.Executable ? " +x" : ""));
            Bytes("content", file.Content);
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // Little-endian on every machine (BitConverter would follow the CPU).
    static byte[] Length(int length)
    {
        var bytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes, length);
        return bytes;
    }

    /// <summary>'\' → '/', no leading './' or '/': the same file has the same name on Windows and Linux.</summary>
    public static string Normalise(string relativePath)
    {
        var path = relativePath.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal)) path = path[2..];
        return path.TrimStart('/');
    }
}
