using Xunit;

namespace BuildTests.Publish;

public class PublishPreflightTests
{
    static (ReleaseManifest Manifest, string Directory) Prepared(string verdict = ScanSummary.Pass)
    {
        var directory = Directory.CreateTempSubdirectory("preflight-").FullName;
        string Write(string relative, string content)
        {
            var path = Path.Combine(directory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
            return ContentDigest.Sha256(path);
        }
        var entry = ManifestSamples.Entry(verdict: verdict);
        var archive = Write(entry.Archive!.Path, "archive bytes");
        entry = entry with
        {
            Archive = entry.Archive with { Sha256 = archive[7..] },
            Sbom = entry.Sbom with { Digest = Write(entry.Sbom.Path, "{}") },
            Platforms = entry.Platforms.Select(p => p with { Sbom = p.Sbom! with { Digest = Write(p.Sbom.Path, $"{{\"platform\":\"{p.Platform}\"}}") } }).ToList(),
            Provenance = entry.Provenance with { Digest = Write(entry.Provenance.Path, "{\"p\":1}") },
        };
        return (ManifestSamples.Manifest(entry), directory);
    }

    [Fact]
    public void Intact_files_and_passed_gates_have_no_problems()
    {
        var (manifest, directory) = Prepared();
        Assert.Empty(PublishPreflight.Problems(manifest, directory));
    }

    [Fact]
    public void One_changed_byte_in_an_archive_is_named()
    {
        var (manifest, directory) = Prepared();
        var archive = Path.Combine(directory, manifest.Permutations[0].Archive!.Path);
        var bytes = File.ReadAllBytes(archive);
        bytes[3] ^= 1;
        File.WriteAllBytes(archive, bytes);
        var problem = Assert.Single(PublishPreflight.Problems(manifest, directory));
        Assert.Contains($"gcc15-clang20: archive {archive} has digest sha256:", problem);
        Assert.Contains("but the manifest records sha256:" + manifest.Permutations[0].Archive!.Sha256, problem);
    }

    [Fact]
    public void Missing_files_and_failed_gates_are_named()
    {
        var (manifest, directory) = Prepared(ScanSummary.Fail);
        File.Delete(Path.Combine(directory, manifest.Permutations[0].Sbom.Path));
        var problems = PublishPreflight.Problems(manifest, directory);
        Assert.Equal(2, problems.Count);
        Assert.Contains("scan gate failed", problems[0]);
        Assert.Contains("SBOM", problems[1]);
        Assert.Contains("is missing", problems[1]);
    }

    [Fact]
    public void Each_platforms_sbom_is_checked_and_a_manifest_without_one_is_refused()
    {
        var (manifest, directory) = Prepared();
        var arm64 = manifest.Permutations[0].Platforms[1];
        File.WriteAllText(Path.Combine(directory, arm64.Sbom!.Path), "{\"changed\":true}");
        var problem = Assert.Single(PublishPreflight.Problems(manifest, directory));
        Assert.Contains($"gcc15-clang20: linux/arm64 SBOM {Path.Combine(directory, arm64.Sbom.Path)} has digest", problem);
        var withoutPlatformSboms = manifest with { Permutations = [manifest.Permutations[0] with { Platforms = [.. manifest.Permutations[0].Platforms.Select(p => p with { Sbom = null })] }] };
        Assert.Contains("gcc15-clang20: the manifest has no linux/amd64 SBOM (each platform's SBOM is attested on its own manifest); re-run Sbom and Manifest with this build.",
            PublishPreflight.Problems(withoutPlatformSboms, directory));
    }
}
