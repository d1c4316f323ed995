namespace Pipeline.Model;

/// <summary>One platform's manifest in an image index, e.g. <c>linux/arm64</c> → <c>sha256:…</c>.</summary>
public sealed record PlatformDigest(string Platform, string Digest);
