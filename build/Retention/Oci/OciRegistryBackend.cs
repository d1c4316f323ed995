namespace Pipeline.Retention.Oci;

/// <summary>
/// Any OCI distribution registry. A distribution registry lists only tags, so the versions are the tagged
/// manifests; the crawler finds untagged platform manifests and referrers from them. A manifest has no
/// push time here, so its age is its <c>org.opencontainers.image.created</c> annotation, else its image
/// config's <c>created</c> (an index takes its newest child's): docs/retention.md explains the difference.
/// </summary>
/// <param name="deriveCreated">False when another source knows the push time (GHCR's API), to save a blob read per manifest.</param>
public sealed class OciRegistryBackend(OciRegistryClient client, bool deriveCreated = true) : IRegistryBackend
{
    private IReadOnlyList<string>? _tags;
    private bool _referrersApiMissing;

    public string Description => $"oci {client.Repository.BaseAddress}{client.Repository.Name}";

    public async Task<IReadOnlyList<RegistryVersion>> ListVersionsAsync(CancellationToken ct)
    {
        var tags = await TagsAsync(ct);
        var versions = new Dictionary<string, RegistryVersion>();
        foreach (var tag in tags)
        {
            var manifest = await client.GetManifestAsync(tag, ct);
            if (manifest is null) continue; // deleted between listing and reading
            var digest = manifest.Digest;
            versions[digest] = versions.TryGetValue(digest, out var seen)
                ? seen with { Tags = [.. seen.Tags, tag] }
                : new RegistryVersion(digest, [tag], null, BackendId: digest);
        }
        return versions.Values.ToList();
    }

    public async Task<ManifestInfo?> ReadManifestAsync(string digest, CancellationToken ct)
    {
        var manifest = await client.GetManifestAsync(digest, ct);
        if (manifest is null) return null;
        var parsed = ManifestParser.Parse(digest, manifest.Json, manifest.ContentType);
        if (deriveCreated && parsed.Info.Created is null && ManifestParser.IsImageConfig(parsed.ConfigMediaType) && parsed.ConfigDigest is { } config
            && await client.GetBlobAsync(config, ct) is { } configJson)
            return parsed.Info with { Created = ManifestParser.CreatedFromConfig(configJson) };
        return parsed.Info;
    }

    public async Task<IReadOnlyList<string>> ListReferrersAsync(string digest, CancellationToken ct)
    {
        if (!_referrersApiMissing)
        {
            if (await client.GetReferrersAsync(digest, ct) is { } index) return ManifestParser.ReferrerDigests(index);
            _referrersApiMissing = true; // ask once; then use the tag schema for every digest
        }
        var fallbackTag = CosignTags.TagFor(digest, "");
        if (!(await TagsAsync(ct)).Contains(fallbackTag)) return [];
        var fallback = await client.GetManifestAsync(fallbackTag, ct);
        return fallback is null ? [] : ManifestParser.ReferrerDigests(fallback.Json);
    }

    public async Task DeleteAsync(RegistryVersion version, CancellationToken ct)
    {
        if (!await client.DeleteManifestAsync(version.Digest, ct))
            Serilog.Log.Information("{Digest} was already gone", version.ShortDigest);
    }

    private async Task<IReadOnlyList<string>> TagsAsync(CancellationToken ct) => _tags ??= await client.ListTagsAsync(ct);
}
