using System.Text.Json;

namespace Pipeline.Model;

/// <summary>
/// An external image a build uses, resolved to the digest its registry holds (the index for a multi-platform image,
/// with each platform's manifest digest), and how the Dockerfile uses it (FROM, COPY --from, RUN --mount).
/// </summary>
public sealed record ResolvedImage(string Reference, string Digest, IReadOnlyList<PlatformDigest> Platforms, string Use)
{
    /// <summary>The reference without any digest, e.g. <c>docker.io/library/ubuntu:24.04</c>.</summary>
    public string Name => Reference.Split('@')[0];

    /// <summary>Name plus digest: what the build is pointed at, so what it records and what it pulls agree.</summary>
    public string Pinned => $"{Name}@{Digest}";

    /// <summary>
    /// The BuildKit named-context key that replaces this reference in FROM / --from: the familiar name
    /// (<c>docker.io/library/</c> dropped) without a <c>:latest</c> tag, which is how the Dockerfile frontend looks it up.
    /// </summary>
    public string ContextKey
    {
        get
        {
            var name = Name;
            foreach (var prefix in new[] { "docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/" })
                if (name.StartsWith(prefix, StringComparison.Ordinal)) { name = name[prefix.Length..]; break; }
            return name.EndsWith(":latest", StringComparison.Ordinal) && name.LastIndexOf(':') > name.LastIndexOf('/') ? name[..^":latest".Length] : name;
        }
    }

    /// <summary>The base image label and manifest entry of an image whose final stage starts FROM this one.</summary>
    public BaseImage AsBase() => new(Reference, Digest);

    /// <summary>Pure: what `skopeo inspect --raw` printed, as a resolved image (its digest is the sha256 of those bytes).</summary>
    public static ResolvedImage FromRawManifest(string reference, string use, string rawManifest)
    {
        var digest = ContentDigest.Sha256(System.Text.Encoding.UTF8.GetBytes(rawManifest));
        var platforms = new List<PlatformDigest>();
        using var document = JsonDocument.Parse(rawManifest);
        if (document.RootElement.TryGetProperty("manifests", out var manifests) && manifests.ValueKind == JsonValueKind.Array)
            foreach (var manifest in manifests.EnumerateArray())
            {
                if (!manifest.TryGetProperty("platform", out var platform)) continue;
                var os = platform.GetProperty("os").GetString();
                var architecture = platform.GetProperty("architecture").GetString();
                if (os == "unknown") continue; // attestation manifests
                var name = $"{os}/{architecture}";
                if (platform.TryGetProperty("variant", out var variant) && variant.GetString() is { Length: > 0 } v) name += "/" + v;
                platforms.Add(new PlatformDigest(name, manifest.GetProperty("digest").GetString()!));
            }
        return new ResolvedImage(reference, digest, platforms, use);
    }
}

/// <summary>Every external image one permutation's build uses, and the final stage's base (null for FROM scratch).</summary>
public sealed record BuildImages(BaseImage? Base, IReadOnlyList<ResolvedImage> External)
{
    public static readonly BuildImages Unresolved = new(new BaseImage("(resolved when Bake runs)", ""), []);
}
