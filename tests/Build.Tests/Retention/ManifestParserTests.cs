using Pipeline.Retention;
using Pipeline.Retention.Oci;
using Xunit;

namespace BuildTests.Retention;

/// <summary>Against the OCI image-spec examples (copies of ../shared/fixtures in Retention/Fixtures).</summary>
public class ManifestParserTests
{
    private static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(RetentionPolicyTests.FindRoot(), "tests", "Build.Tests", "Retention", "Fixtures", name));

    [Fact]
    public void An_index_lists_its_platform_manifests_as_children()
    {
        var parsed = ManifestParser.Parse("sha256:i", Fixture("oci-image-index-example.json"), null);

        Assert.Equal(OciMediaTypes.ImageIndex, parsed.Info.MediaType);
        Assert.Equal(2, parsed.Info.Children.Count);
        Assert.All(parsed.Info.Children, c => Assert.StartsWith("sha256:", c));
        Assert.Null(parsed.Info.Subject);
    }

    [Fact]
    public void A_buildkit_registry_cache_index_lists_blobs_not_manifests_and_is_as_old_as_its_newest_blob()
    {
        var parsed = ManifestParser.Parse("sha256:c", Fixture("buildkit-registry-cache-index.json"), null);

        Assert.Equal(OciMediaTypes.ImageIndex, parsed.Info.MediaType);
        Assert.Empty(parsed.Info.Children); // a cache config and three layers: nothing to read as a manifest
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T11:31:00.435607087Z"), parsed.Info.Created);
    }

    [Fact]
    public void An_image_manifest_with_a_subject_is_a_referrer_and_names_its_config()
    {
        var parsed = ManifestParser.Parse("sha256:m", Fixture("oci-image-manifest-example.json"), null);

        Assert.Empty(parsed.Info.Children);
        Assert.NotNull(parsed.Info.Subject);
        Assert.Equal(OciMediaTypes.ImageConfig, parsed.ConfigMediaType);
        Assert.Null(parsed.Info.ArtifactType); // an ordinary image config: not an artifact
    }

    [Fact]
    public void An_artifact_manifest_reports_its_artifact_type()
    {
        var parsed = ManifestParser.Parse("sha256:a", Fixture("oci-artifact-manifest-minimal-example.json"), null);

        Assert.False(string.IsNullOrEmpty(parsed.Info.ArtifactType));
        Assert.False(ManifestParser.IsImageConfig(parsed.ConfigMediaType));
    }

    [Fact]
    public void Age_comes_from_the_created_annotation_else_the_config_and_cosigns_zero_time_is_unknown()
    {
        var annotated = $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.ImageIndex}}}","manifests":[],"annotations":{"org.opencontainers.image.created":"2026-01-02T03:04:05Z"}}""";

        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), ManifestParser.Parse("sha256:x", annotated, null).Info.Created);
        Assert.Equal("2015-10-31T22:22:56", ManifestParser.CreatedFromConfig(Fixture("oci-image-config-example.json"))!.Value.UtcDateTime.ToString("s"));
        Assert.Null(ManifestParser.CreatedFromConfig("""{"created":"0001-01-01T00:00:00Z"}"""));
        Assert.Null(ManifestParser.CreatedFromConfig("""{"architecture":"amd64"}"""));
    }
}
