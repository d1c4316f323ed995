using Pipeline.Retention;

namespace BuildTests.Retention;

/// <summary>Builds a registry's versions for planner tests: readable names become stable fake digests.</summary>
internal sealed class RepositoryBuilder
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly List<RegistryVersion> _versions = [];

    public static string D(string name) =>
        "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)));

    /// <summary>A multi-platform index (tagged as given) with untagged amd64/arm64 children of the same age.</summary>
    public RepositoryBuilder Index(string name, int ageDays, params string[] tags)
    {
        var children = new[] { $"{name}/amd64", $"{name}/arm64" };
        _versions.Add(new RegistryVersion(D(name), tags, Now.AddDays(-ageDays), OciMediaTypes.ImageIndex, children.Select(D).ToList()));
        foreach (var child in children) _versions.Add(new RegistryVersion(D(child), [], Now.AddDays(-ageDays), OciMediaTypes.ImageManifest));
        return this;
    }

    public RepositoryBuilder Manifest(string name, int? ageDays, params string[] tags)
    {
        _versions.Add(new RegistryVersion(D(name), tags, ageDays is { } a ? Now.AddDays(-a) : null, OciMediaTypes.ImageManifest));
        return this;
    }

    /// <summary>cosign's tag-based attachments: sha256-&lt;hex&gt;.sig, .att (and .sbom when asked).</summary>
    public RepositoryBuilder Signed(string subject, bool sbom = false)
    {
        foreach (var suffix in sbom ? new[] { ".sig", ".att", ".sbom" } : [".sig", ".att"])
            _versions.Add(new RegistryVersion(D(subject + suffix), [CosignTags.TagFor(D(subject), suffix)], Now, OciMediaTypes.ImageManifest));
        return this;
    }

    /// <summary>An OCI referrer (manifest with a subject), untagged, as cosign v3 / oras push them.</summary>
    public RepositoryBuilder Referrer(string name, string subject, string artifactType)
    {
        _versions.Add(new RegistryVersion(D(name), [], Now.AddDays(-400), OciMediaTypes.ImageManifest, Subject: D(subject), ArtifactType: artifactType));
        return this;
    }

    public RepositoryBuilder Add(RegistryVersion version) { _versions.Add(version); return this; }

    public IReadOnlyList<RegistryVersion> Build() => _versions;
}
