namespace BuildTests.Publish;

/// <summary>A valid manifest for tests, built from the real permutation ids.</summary>
static class ManifestSamples
{
    public static readonly string[] KnownIds = Permutation.All.Select(p => p.Id).ToArray();
    public static string Hex(char c) => new(c, 64);
    public static string Digest(char c) => "sha256:" + Hex(c);

    public static ManifestPermutation Entry(string id = "gcc15-clang20", string digest = "", ManifestTag[]? tags = null, string verdict = ScanSummary.Pass) => new(
        id,
        "127.0.0.1:5000/team/devcontainer",
        new ArchiveFile($"images/{id}.tar", Hex('a')),
        digest.Length > 0 ? digest : Digest('1'),
        // Each entry's platform manifests are its own (digests derived from the entry), as two images' manifests are in a registry.
        [new PlatformDigest("linux/amd64", PlatformDigestOf(id, digest, "amd64"), new DigestedFile($"sbom/{id}.linux-amd64.cdx.json", Digest('d'))),
            new PlatformDigest("linux/arm64", PlatformDigestOf(id, digest, "arm64"), new DigestedFile($"sbom/{id}.linux-arm64.cdx.json", Digest('e')))],
        tags ?? [new ManifestTag($"127.0.0.1:5000/team/devcontainer:{id}", true), new ManifestTag($"127.0.0.1:5000/team/devcontainer:{new string('c', 40)}-{id}", false)],
        new BaseImage("127.0.0.1:5000/base/busybox:latest", Digest('4')),
        new DigestedFile($"sbom/{id}.cdx.json", Digest('5')),
        new DigestedFile($"provenance/{id}.slsa.json", Digest('6')),
        new ScanSummary(new DigestedFile($"scan/{id}.json", Digest('7')), verdict, ["CRITICAL", "HIGH"], new SeverityCounts(0, 0, 4, 1, 0), "0.67.2", Digest('8')));

    static string PlatformDigestOf(string id, string digest, string arch) => ContentDigest.Sha256(System.Text.Encoding.UTF8.GetBytes($"{id} {digest} {arch}"));

    /// <summary>What the registry holds for an entry: the index and its signature and provenance as given, each platform's SBOM attested or not.</summary>
    public static RegistryState State(bool present, bool signed, bool provenance, bool sboms, IReadOnlyDictionary<string, string?> tags, ManifestPermutation? entry = null) =>
        new(present, signed, provenance, (entry ?? Entry()).Platforms.ToDictionary(p => p.Digest, _ => sboms), tags);

    public static ReleaseManifest Manifest(params ManifestPermutation[] entries) => new(
        ReleaseManifest.CurrentSchemaVersion, new string('c', 40), "refs/heads/main", "push",
        new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero), entries.Length > 0 ? entries : [Entry()]);
}
