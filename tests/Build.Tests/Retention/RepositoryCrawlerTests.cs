using Pipeline.Retention;
using Xunit;
using static BuildTests.Retention.RepositoryBuilder;

namespace BuildTests.Retention;

public class RepositoryCrawlerTests
{
    /// <summary>A registry that, like a distribution registry, lists only tagged manifests.</summary>
    private sealed class InMemoryRegistry(IEnumerable<RegistryVersion> listed, Dictionary<string, ManifestInfo> manifests, Dictionary<string, string[]> referrers) : IRegistryBackend
    {
        public List<string> Reads { get; } = [];
        public string Description => "in-memory";
        public Task<IReadOnlyList<RegistryVersion>> ListVersionsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<RegistryVersion>>(listed.ToList());
        public Task<ManifestInfo?> ReadManifestAsync(string digest, CancellationToken ct)
        {
            Reads.Add(digest);
            return Task.FromResult(manifests.GetValueOrDefault(digest));
        }
        public Task<IReadOnlyList<string>> ListReferrersAsync(string digest, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<string>>(referrers.GetValueOrDefault(digest) ?? []);
        public Task DeleteAsync(RegistryVersion version, CancellationToken ct) => throw new InvalidOperationException("the crawler never deletes");
    }

    private static ManifestInfo Image(string name, DateTimeOffset? created, string? subject = null) =>
        new(D(name), OciMediaTypes.ImageManifest, [], subject is null ? null : D(subject), subject is null ? null : "application/vnd.in-toto+json", created);

    [Fact]
    public async Task It_finds_untagged_children_referrers_and_signed_subjects_and_drops_what_the_registry_lacks()
    {
        var created = Now.AddDays(-30);
        var manifests = new Dictionary<string, ManifestInfo>
        {
            [D("index")] = new(D("index"), OciMediaTypes.ImageIndex, [D("amd64"), D("arm64"), D("missing")], null, null, null),
            [D("amd64")] = Image("amd64", created),
            [D("arm64")] = Image("arm64", created.AddMinutes(1)),
            [D("sbom")] = Image("sbom", null, subject: "index"),
            [D("index.sig")] = Image("index.sig", null),
            [D("untagged-signed")] = Image("untagged-signed", created),
        };
        var registry = new InMemoryRegistry(
            [new RegistryVersion(D("index"), ["v1.0.0-gcc15-clang20"], null), new RegistryVersion(D("index.sig"), [CosignTags.TagFor(D("index"), ".sig")], null),
             new RegistryVersion(D("other.sig"), [CosignTags.TagFor(D("untagged-signed"), ".sig")], null)],
            manifests,
            new() { [D("index")] = [D("sbom")] });
        manifests[D("other.sig")] = Image("other.sig", null);

        var versions = await new RepositoryCrawler(registry).CrawlAsync();

        var digests = versions.Select(v => v.Digest).ToHashSet();
        Assert.Equal(new[] { "index", "amd64", "arm64", "sbom", "index.sig", "other.sig", "untagged-signed" }.Select(D).Order(), digests.Order());
        Assert.DoesNotContain(D("missing"), digests); // referenced by the index, absent from the registry
        var index = versions.Single(v => v.Digest == D("index"));
        Assert.Equal(created.AddMinutes(1), index.Created); // an index without its own time takes its newest child's
        Assert.Equal(D("index"), versions.Single(v => v.Digest == D("sbom")).Subject);
        Assert.Equal(1, registry.Reads.Count(r => r == D("index"))); // each manifest is read once
    }
}
