using BuildTests.Publish;
using Xunit;

namespace BuildTests.Merge;

public class ManifestMergeTests
{
    static readonly string[] Ids = ["gcc14-clang20", "gcc15-clang20"];

    static ManifestPart Part(string id, string? sha = null, string @ref = "refs/heads/main") =>
        new(id, ManifestSamples.Manifest(ManifestSamples.Entry(id)) with { Sha = sha ?? new string('c', 40), Ref = @ref });

    /// <summary>Every file of every entry hashes to what the sample entry records, except those named in <paramref name="changed"/> or <paramref name="missing"/>.</summary>
    static Func<string, string?> Files(string? changed = null, string? missing = null) => path =>
        path == missing ? null
        : path == changed ? ManifestSamples.Digest('f')
        : path.EndsWith(".tar") ? "sha256:" + ManifestSamples.Hex('a')
        : path.EndsWith(".linux-amd64.cdx.json") ? ManifestSamples.Digest('d')
        : path.EndsWith(".linux-arm64.cdx.json") ? ManifestSamples.Digest('e')
        : path.Contains("/sbom/") ? ManifestSamples.Digest('5')
        : path.Contains("/provenance/") ? ManifestSamples.Digest('6')
        : ManifestSamples.Digest('7');

    [Fact]
    public void Each_job_s_entry_is_taken_as_written_with_its_paths_under_its_folder()
    {
        var merged = ManifestMerge.Combine([Part("gcc15-clang20"), Part("gcc14-clang20")], Ids, Files());

        Assert.Equal(Ids, merged.Permutations.Select(p => p.Id));
        var entry = merged.Permutations.Single(p => p.Id == "gcc15-clang20");
        Assert.Equal("gcc15-clang20/images/gcc15-clang20.tar", entry.Archive!.Path);
        Assert.Equal("gcc15-clang20/sbom/gcc15-clang20.cdx.json", entry.Sbom.Path);
        Assert.Equal(["gcc15-clang20/sbom/gcc15-clang20.linux-amd64.cdx.json", "gcc15-clang20/sbom/gcc15-clang20.linux-arm64.cdx.json"], entry.Platforms.Select(p => p.Sbom!.Path));
        Assert.Equal("gcc15-clang20/provenance/gcc15-clang20.slsa.json", entry.Provenance.Path);
        Assert.Equal("gcc15-clang20/scan/gcc15-clang20.json", entry.Scan.Report.Path);
        Assert.Equal(ManifestSamples.Entry("gcc15-clang20").Digest, entry.Digest);
        Assert.Equal(new string('c', 40), merged.Sha);
        ManifestStore.Serialize(merged, ManifestSamples.KnownIds); // still valid against the schema
    }

    [Fact]
    public void Manifests_of_different_commits_or_refs_are_refused()
    {
        var sha = Assert.Throws<InvalidManifestException>(() => ManifestMerge.Combine([Part("gcc14-clang20"), Part("gcc15-clang20", sha: new string('d', 40))], Ids, Files()));
        Assert.Contains("Build manifests disagree: gcc14-clang20 is cccc", sha.Message);
        Assert.Throws<InvalidManifestException>(() => ManifestMerge.Combine([Part("gcc14-clang20"), Part("gcc15-clang20", @ref: "refs/tags/v1.0.0")], Ids, Files()));
    }

    [Fact]
    public void A_missing_permutation_and_one_in_two_manifests_are_refused()
    {
        Assert.Contains("No build manifest has gcc15-clang20", Assert.Throws<InvalidManifestException>(() => ManifestMerge.Combine([Part("gcc14-clang20")], Ids, Files())).Message);
        var twice = new ManifestPart("again", Part("gcc14-clang20").Manifest);
        Assert.Contains("gcc14-clang20 is in two build manifests (gcc14-clang20 and again)",
            Assert.Throws<InvalidManifestException>(() => ManifestMerge.Combine([Part("gcc14-clang20"), twice, Part("gcc15-clang20")], Ids, Files())).Message);
        Assert.Contains("No build job's manifest", Assert.Throws<InvalidManifestException>(() => ManifestMerge.Combine([], Ids, Files())).Message);
    }

    [Fact]
    public void An_archive_that_does_not_hash_to_its_entry_or_is_missing_is_refused()
    {
        var changed = Assert.Throws<InvalidManifestException>(() => ManifestMerge.Combine([Part("gcc14-clang20"), Part("gcc15-clang20")], Ids,
            Files(changed: "gcc15-clang20/images/gcc15-clang20.tar")));
        Assert.Contains("gcc15-clang20 (gcc15-clang20): its archive gcc15-clang20/images/gcc15-clang20.tar hashes to sha256:ffff", changed.Message);
        Assert.DoesNotContain("\n", changed.Message);
        Assert.Contains("its SBOM gcc14-clang20/sbom/gcc14-clang20.cdx.json is missing", Assert.Throws<InvalidManifestException>(() =>
            ManifestMerge.Combine([Part("gcc14-clang20"), Part("gcc15-clang20")], Ids, Files(missing: "gcc14-clang20/sbom/gcc14-clang20.cdx.json"))).Message);
        Assert.Contains("its linux/arm64 SBOM gcc14-clang20/sbom/gcc14-clang20.linux-arm64.cdx.json is missing", Assert.Throws<InvalidManifestException>(() =>
            ManifestMerge.Combine([Part("gcc14-clang20"), Part("gcc15-clang20")], Ids, Files(missing: "gcc14-clang20/sbom/gcc14-clang20.linux-arm64.cdx.json"))).Message);
    }
}
