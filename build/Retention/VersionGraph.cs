namespace Pipeline.Retention;

/// <summary>
/// The reference graph of one repository: index → platform manifests, and attachment → subject (from a
/// cosign tag <c>sha256-&lt;hex&gt;.sig</c> or an OCI manifest's <c>subject</c>). Roots are the versions
/// judged by the policy: every tagged image, and untagged manifests that nothing references.
/// </summary>
internal sealed class VersionGraph
{
    private readonly Dictionary<string, RegistryVersion> _byDigest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _parents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<RegistryVersion>> _attachments = new(StringComparer.Ordinal);

    public VersionGraph(IEnumerable<RegistryVersion> versions)
    {
        foreach (var version in versions)
            _byDigest[version.Digest] = _byDigest.TryGetValue(version.Digest, out var seen) ? Merge(seen, version) : version;
        Versions = _byDigest.Values.OrderBy(v => v.Digest, StringComparer.Ordinal).ToList();
        foreach (var version in Versions)
        {
            foreach (var child in version.Children.Distinct())
                (_parents.TryGetValue(child, out var list) ? list : _parents[child] = []).Add(version.Digest);
            if (SubjectOf(version) is { } subject)
                (_attachments.TryGetValue(subject, out var list) ? list : _attachments[subject] = []).Add(version);
        }
        Roots = Versions.Where(v => SubjectOf(v) is null && (v.Tags.Count > 0 || !_parents.ContainsKey(v.Digest))).ToList();
    }

    public IReadOnlyList<RegistryVersion> Versions { get; }
    public IReadOnlyList<RegistryVersion> Roots { get; }

    public bool Contains(string digest) => _byDigest.ContainsKey(digest);
    public IReadOnlyList<string> ChildrenOf(string digest) => _byDigest.TryGetValue(digest, out var v) ? v.Children : [];
    public IReadOnlyList<string> ParentsOf(string digest) => _parents.TryGetValue(digest, out var list) ? list : [];
    public IReadOnlyList<RegistryVersion> AttachmentsOf(string digest) => _attachments.TryGetValue(digest, out var list) ? list : [];

    /// <summary>The image an attachment belongs to: the manifest's subject, else the digest its cosign tag names.</summary>
    public static string? SubjectOf(RegistryVersion version) =>
        version.Subject ?? version.Tags.Select(CosignTags.SubjectOf).FirstOrDefault(s => s is not null);

    public VersionRole RoleOf(RegistryVersion version)
    {
        if (version.Tags.FirstOrDefault(t => CosignTags.SubjectOf(t) is not null) is { } tag)
            return CosignTags.KindOf(tag) switch
            {
                "signature" => VersionRole.Signature,
                "attestation" => VersionRole.Attestation,
                "sbom" => VersionRole.Sbom,
                _ => VersionRole.Referrer,
            };
        if (version.Subject is not null) return RoleOfArtifact(version.ArtifactType);
        if (_parents.TryGetValue(version.Digest, out var parents) && version.Tags.Count == 0)
            return parents.Any(p => _byDigest[p].Subject is not null || _byDigest[p].Tags.Any(t => CosignTags.SubjectOf(t) is not null))
                ? VersionRole.Referrer
                : VersionRole.PlatformManifest;
        return VersionRole.Image;
    }

    private static VersionRole RoleOfArtifact(string? artifactType) => artifactType switch
    {
        null => VersionRole.Referrer,
        var t when t.Contains("sigstore.bundle", StringComparison.Ordinal) || t.Contains("signature", StringComparison.Ordinal) => VersionRole.Signature,
        var t when t.Contains("in-toto", StringComparison.Ordinal) || t.Contains("dsse", StringComparison.Ordinal) => VersionRole.Attestation,
        var t when t.Contains("cyclonedx", StringComparison.Ordinal) || t.Contains("spdx", StringComparison.Ordinal) => VersionRole.Sbom,
        _ => VersionRole.Referrer,
    };

    private static RegistryVersion Merge(RegistryVersion a, RegistryVersion b) => a with
    {
        Tags = a.Tags.Union(b.Tags).ToList(),
        Created = a.Created ?? b.Created,
        MediaType = a.MediaType ?? b.MediaType,
        Children = a.Children.Union(b.Children).ToList(),
        Subject = a.Subject ?? b.Subject,
        ArtifactType = a.ArtifactType ?? b.ArtifactType,
        BackendId = a.BackendId ?? b.BackendId,
    };
}
