using Xunit;

namespace BuildTests.Publish;

public class ManifestEntryTests
{
    [Fact]
    public void Maps_build_outputs_to_an_entry_with_relative_paths_and_real_digests()
    {
        var artifacts = Directory.CreateTempSubdirectory("entry-").FullName;
        string Write(string relative, string content)
        {
            var path = Path.Combine(artifacts, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
            return path;
        }
        var files = new ManifestFiles(artifacts, Write("images/p.tar", "tar"), Write("scan/p.json", "{}"), Write("sbom/p.cdx.json", "{\"s\":1}"), Write("provenance/p.slsa.json", "{\"p\":1}"));
        var archive = new OciArchiveInfo(ManifestSamples.Digest('1'), [new PlatformDigest("linux/amd64", ManifestSamples.Digest('2'))], new Dictionary<string, string>());
        var scan = ScanGate.Evaluate("gcc15-clang20", PublishFixtures.Read("trivy-report-ubuntu-1804.json"), ScanGate.DefaultFailOn);
        var entry = ManifestEntry.Create("gcc15-clang20", "127.0.0.1:5000/t/devcontainer", files, archive,
            [new ImageTag("127.0.0.1:5000/t/devcontainer:gcc15-clang20", true)], new BaseImage("b:1", ManifestSamples.Digest('4')), scan, ManifestSamples.Digest('8'));

        Assert.Equal(new ArchiveFile("images/p.tar", ContentDigest.Sha256Hex(files.Archive!)), entry.Archive);
        Assert.Equal(new DigestedFile("sbom/p.cdx.json", ContentDigest.Sha256(files.Sbom)), entry.Sbom);
        Assert.Equal(new DigestedFile("provenance/p.slsa.json", ContentDigest.Sha256(files.Provenance)), entry.Provenance);
        Assert.Equal("scan/p.json", entry.Scan.Report.Path);
        Assert.Equal((ScanSummary.Pass, "dev", 4), (entry.Scan.Verdict, entry.Scan.TrivyVersion, entry.Scan.Counts.Medium));
        Assert.Equal([new ManifestTag("127.0.0.1:5000/t/devcontainer:gcc15-clang20", true)], entry.Tags);
        // The entry passes the schema as part of a manifest.
        ManifestStore.Serialize(ManifestSamples.Manifest(entry), ManifestSamples.KnownIds);
    }
}
