using Serilog;

namespace Pipeline.Retention;

/// <summary>
/// Turns a backend's listing into the full reference graph the planner needs: it reads every manifest
/// (an index's children, a referrer's subject, the age), follows children, referrers (API or tag schema)
/// and the subjects of cosign tags, and drops references to manifests the registry does not have.
/// </summary>
public sealed class RepositoryCrawler(IRegistryBackend backend)
{
    public async Task<IReadOnlyList<RegistryVersion>> CrawlAsync(CancellationToken ct = default)
    {
        var versions = new Dictionary<string, RegistryVersion>(StringComparer.Ordinal);
        foreach (var listed in await backend.ListVersionsAsync(ct))
            versions[listed.Digest] = versions.TryGetValue(listed.Digest, out var seen) ? seen with { Tags = [.. seen.Tags.Union(listed.Tags)] } : listed;
        var listedDigests = versions.Keys.ToHashSet();
        var queue = new Queue<string>(versions.Keys.Order(StringComparer.Ordinal));
        var visited = new HashSet<string>(StringComparer.Ordinal);

        void Discover(string digest)
        {
            if (versions.ContainsKey(digest)) return;
            versions[digest] = new RegistryVersion(digest, [], null);
            queue.Enqueue(digest);
        }

        while (queue.TryDequeue(out var digest))
        {
            if (!visited.Add(digest)) continue;
            var info = await backend.ReadManifestAsync(digest, ct);
            if (info is null)
            {
                if (!listedDigests.Contains(digest)) versions.Remove(digest); // referenced, but not in the registry
                continue;
            }
            var version = versions[digest] = versions[digest] with
            {
                MediaType = info.MediaType,
                Children = info.Children,
                Subject = info.Subject,
                ArtifactType = info.ArtifactType,
                Created = versions[digest].Created ?? info.Created,
            };
            foreach (var child in info.Children) Discover(child);
            if (info.Subject is { } subject) Discover(subject);
            foreach (var tagged in version.Tags.Select(CosignTags.SubjectOf).OfType<string>()) Discover(tagged);
            foreach (var referrer in await backend.ListReferrersAsync(digest, ct)) Discover(referrer);
        }

        var result = versions.Values.Select(v => v.Created is null && v.Children.Count > 0 ? v with { Created = NewestChild(v, versions) } : v)
            .OrderBy(v => v.Digest, StringComparer.Ordinal).ToList();
        Log.Information("{Backend}: {Count} versions ({Tagged} tagged)", backend.Description, result.Count, result.Count(v => v.Tags.Count > 0));
        return result;
    }

    private static DateTimeOffset? NewestChild(RegistryVersion index, Dictionary<string, RegistryVersion> versions) =>
        index.Children.Select(c => versions.GetValueOrDefault(c)?.Created).Where(c => c is not null).DefaultIfEmpty(null).Max();
}
