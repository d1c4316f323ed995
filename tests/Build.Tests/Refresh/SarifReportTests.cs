using BuildTests.Publish;
using Xunit;

namespace BuildTests.Refresh;

public class SarifReportTests
{
    static readonly string Trivy = PublishFixtures.Read("trivy-sarif-alpine-310.sarif");

    [Fact]
    public void Each_permutation_and_platform_is_a_category_of_its_own_so_one_upload_of_the_folder_keeps_them_apart()
    {
        var amd64 = SarifReport.WithCategory("a", Trivy, SarifReport.Category("gcc14-clang20", "linux/amd64"));
        var arm64 = SarifReport.WithCategory("b", Trivy, SarifReport.Category("gcc14-clang20", "linux/arm64"));
        Assert.Contains("\"id\": \"devcontainer-image/gcc14-clang20/linux-amd64/\"", amd64);
        Assert.Empty(SarifReport.Problems([("amd64.sarif", amd64), ("arm64.sarif", arm64)]));
        // The same category twice is what code scanning refuses (one run per tool and category).
        var twice = SarifReport.Problems([("a.sarif", amd64), ("b.sarif", amd64)]);
        Assert.Equal("b.sarif and a.sarif both hold a Trivy run of category devcontainer-image/gcc14-clang20/linux-amd64/; give each run a category of its own.",
            Assert.Single(twice));
    }

    [Fact]
    public void More_runs_than_one_upload_takes_and_what_is_not_sarif_are_problems()
    {
        var files = Enumerable.Range(0, SarifReport.MaxRunsPerUpload + 1)
            .Select(i => ($"{i}.sarif", SarifReport.WithCategory("x", Trivy, $"c{i}/"))).ToList();
        Assert.Contains($"{SarifReport.MaxRunsPerUpload + 1} runs in one upload, more than code scanning's {SarifReport.MaxRunsPerUpload}; upload them in several steps.",
            SarifReport.Problems(files));
        Assert.Contains("not a SARIF 2.1.0 log", Assert.Single(SarifReport.Problems([("r.json", """{"SchemaVersion":2}""")])));
        Assert.Throws<InvalidOperationException>(() => SarifReport.WithCategory("r", "{", "c/"));
    }
}
