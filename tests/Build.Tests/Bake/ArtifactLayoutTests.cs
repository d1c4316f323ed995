using Pipeline.Host;
using Xunit;

namespace BuildTests.Bake;

public class ArtifactLayoutTests
{
    static readonly ArtifactLayout Layout = new(AbsolutePath.Create("/run/artifacts"));

    [Fact]
    public void The_bake_plan_writes_each_archive_where_every_target_reads_it()
    {
        var images = Permutation.All.ToDictionary(p => p.Id, _ => BuildImages.Unresolved);
        var plan = BakePlanner.Plan(Contexts.Main, Permutation.All, null, "127.0.0.1:5000/t1/devcontainer", "devcontainer", CacheMode.None, images,
            Layout.Images, "/cache");
        Assert.All(plan.Permutations, p => Assert.Equal(Layout.Archive(p.Permutation).Value, p.Archive));
    }

    [Fact]
    public void Each_permutation_and_platform_has_files_of_its_own()
    {
        var p = Permutation.Gcc14Clang20;
        Assert.Equal("/run/artifacts/images/gcc14-clang20.tar", Layout.Archive(p).Value);
        Assert.Equal("/run/artifacts/images/gcc14-clang20.index.json", Layout.ImageIndex(p).Value);
        Assert.Equal("/run/artifacts/scan/gcc14-clang20.json", Layout.ScanReport(p).Value);
        Assert.Equal("/run/artifacts/sbom/gcc14-clang20.cdx.json", Layout.Sbom(p).Value);
        Assert.Equal("/run/artifacts/provenance/gcc14-clang20.slsa.json", Layout.Provenance(p).Value);
        var platforms = new[] { "linux/amd64", "linux/arm64" };
        // Each platform's report and SBOM beside the permutation's own (the merged report, the attested SBOM).
        Assert.Equal(3, platforms.Select(x => Layout.ScanReport(p, x).Value).Append(Layout.ScanReport(p).Value).Distinct().Count());
        Assert.Equal(3, platforms.Select(x => Layout.Sbom(p, x).Value).Append(Layout.Sbom(p).Value).Distinct().Count());
        Assert.Equal("/run/artifacts/manifest.json", Layout.Manifest.Value);
    }

    [Fact]
    public void The_globs_a_target_declares_match_the_files_it_writes_and_run_wide_files_sit_at_the_top()
    {
        var p = Permutation.Gcc14Clang20;
        (string Glob, string File)[] pairs =
        [
            (Layout.AllScanReports, Layout.ScanReport(p)), (Layout.AllScanReports, Layout.ScanReport(p, "linux/arm64")),
            (Layout.AllSboms, Layout.Sbom(p)), (Layout.AllSboms, Layout.Sbom(p, "linux/amd64")), (Layout.AllProvenance, Layout.Provenance(p)),
        ];
        foreach (var (glob, file) in pairs)
            Assert.True(System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(Path.GetFileName(glob), Path.GetFileName(file))
                        && Path.GetDirectoryName(glob) == Path.GetDirectoryName(file), $"{glob} does not match {file}");
        Assert.False(System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(Path.GetFileName(Layout.AllSboms), "gcc14-clang20.json"));
        Assert.Equal("/run/artifacts/lkg.json", Layout.LastKnownGoodPin.Value);
        Assert.Equal("/run/artifacts/cosign.pub", Layout.DerivedPublicKey.Value);
        // One folder per repository, named so that a host:port/path is one path segment.
        Assert.Equal("/run/artifacts/retention/127.0.0.1_5000_team_devcontainer", Layout.RetentionReports("127.0.0.1:5000/team/devcontainer").Value);
    }
}
