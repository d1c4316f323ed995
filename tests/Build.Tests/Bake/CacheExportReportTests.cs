using Xunit;

namespace BuildTests.Bake;

public class CacheExportReportTests
{
    // Bake's plain progress when an ignore-error cache export fails (captured from buildx with the docker driver).
    const string FailedExport = """
        #8 [image 3/3] RUN set -e; mkdir -p /usr/local/bin
        #8 DONE 0.2s

        #9 exporting cache to registry
        #9 preparing build cache for export 0.0s done
        #9 writing layer sha256:77dd823da4cbbf7c8f417d147ca22e8d8cb2c3dfe686f87eb0af4d1790a355a4 done
        #9 ERROR: error writing layer blob: failed to do request: Head "https://127.0.0.1:1/v2/x/cache/blobs/sha256:77dd": dial tcp 127.0.0.1:1: connect: connection refused
        ------
         > exporting cache to registry:
        ------
        """;

    [Fact]
    public void A_failed_cache_export_is_found_with_its_error()
    {
        var failure = Assert.Single(CacheExportReport.Failures(FailedExport));
        Assert.StartsWith("error writing layer blob", failure);
        Assert.Contains("connection refused", failure);
    }

    [Fact]
    public void Errors_of_other_steps_and_successful_exports_are_not_cache_failures()
    {
        const string output = """
            #5 [image 2/3] RUN false
            #5 ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1
            #9 exporting cache to registry
            #9 writing config sha256:abc done
            #9 DONE 0.3s
            """;
        Assert.Empty(CacheExportReport.Failures(output));
    }
}
