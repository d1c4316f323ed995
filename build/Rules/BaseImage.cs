using System.Text.Json.Serialization;

namespace Pipeline.Rules;

/// <summary>The base image a permutation is built FROM, with the digest it resolved to (also an entry of manifest.json).</summary>
public sealed record BaseImage(string Reference, string Digest)
{
    /// <summary>The reference without any digest, e.g. <c>docker.io/library/ubuntu:24.04</c>.</summary>
    [JsonIgnore] public string Name => Reference.Split('@')[0];

    /// <summary>Name plus digest: what the build is told to use, so the label and the layers agree.</summary>
    [JsonIgnore] public string Pinned => $"{Name}@{Digest}";

    /// <summary>The digest already written in the reference (<c>name@sha256:…</c>), if any.</summary>
    public static string? DigestIn(string reference) =>
        reference.Split('@') is [_, var digest] && digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.Length == 71 ? digest : null;
}
