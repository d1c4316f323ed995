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
}
