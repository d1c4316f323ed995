using System.Text.Json.Nodes;
using Xunit;

namespace BuildTests.Publish;

/// <summary>How a platform's SBOM is published to fit the transparency log: an OCI artifact plus a small signed reference to it.</summary>
public class SbomReferenceTests
{
    static readonly ManifestDescriptor Platform = new("application/vnd.oci.image.manifest.v1+json", "sha256:" + new string('a', 64), 734);
    static readonly string Sbom = "sha256:" + new string('b', 64);

    [Fact]
    public void The_artifact_names_the_platform_manifest_as_its_subject_and_the_sbom_as_its_one_layer()
    {
        var manifest = JsonNode.Parse(SbomReference.ArtifactManifest(Platform, Sbom, 12345, "x.linux-amd64.cdx.json"))!;
        Assert.Equal("application/vnd.cyclonedx+json", (string)manifest["artifactType"]!);
        Assert.Equal(Platform.Digest, (string)manifest["subject"]!["digest"]!);
        Assert.Equal(734, (long)manifest["subject"]!["size"]!);
        var layer = manifest["layers"]!.AsArray().Single()!;
        Assert.Equal(Sbom, (string)layer["digest"]!);
        Assert.Equal(12345, (long)layer["size"]!);
        // The OCI image-spec's empty config: digest of "{}".
        Assert.Equal(ContentDigest.Sha256(SbomReference.EmptyConfigBlob), (string)manifest["config"]!["digest"]!);
        Assert.Equal("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", (string)manifest["config"]!["digest"]!);
        // The same inputs give the same bytes, so a re-run finds the same artifact.
        Assert.Equal(SbomReference.ArtifactManifest(Platform, Sbom, 12345, "x.linux-amd64.cdx.json"), SbomReference.ArtifactManifest(Platform, Sbom, 12345, "x.linux-amd64.cdx.json"));
    }

    [Fact]
    public void The_artifact_is_tagged_the_way_retention_keeps_with_its_platform()
    {
        var tag = SbomReference.ArtifactTag(Platform.Digest);
        Assert.Equal("sha256-" + new string('a', 64) + ".sbom", tag);
        Assert.Equal(Platform.Digest, Pipeline.Retention.CosignTags.SubjectOf(tag));
        Assert.Equal("sbom", Pipeline.Retention.CosignTags.KindOf(tag));
    }

    [Fact]
    public void The_attested_predicate_is_a_small_in_toto_reference_naming_the_sbom_by_digest()
    {
        var predicate = SbomReference.Predicate("ghcr.io/acme/devcontainer", Sbom);
        Assert.True(predicate.Length < 1024, $"the predicate is {predicate.Length} bytes");
        var json = JsonNode.Parse(predicate)!;
        Assert.Equal(SbomReference.AttesterId, (string)json["attester"]!["id"]!);
        var reference = json["references"]!.AsArray().Single()!;
        Assert.Equal(new string('b', 64), (string)reference["digest"]!["sha256"]!);
        Assert.Equal("application/vnd.cyclonedx+json", (string)reference["mediaType"]!);
        Assert.Equal($"https://ghcr.io/v2/acme/devcontainer/blobs/{Sbom}", (string)reference["downloadLocation"]!);
        Assert.Equal($"http://127.0.0.1:5000/v2/team/devcontainer/blobs/{Sbom}", SbomReference.BlobUrl("127.0.0.1:5000/team/devcontainer", Sbom));
        Assert.Equal("https://in-toto.io/attestation/reference/v0.1", SbomReference.PredicateType);
        Assert.Equal(Sbom, SbomReference.ReferencedSbomDigest(predicate, out var problem));
        Assert.Equal("", problem);
    }

    [Theory]
    [InlineData("""{"attester":{"id":"x"}}""", "the reference attestation lists no references")]
    [InlineData("""{"references":[{"mediaType":"application/spdx+json","digest":{"sha256":"bbbb"}}]}""", "the reference attestation names no CycloneDX document by sha256")]
    [InlineData("not json", "the reference attestation is not JSON")]
    public void A_predicate_that_names_no_cyclonedx_document_is_refused_with_the_reason(string predicate, string reason)
    {
        Assert.Null(SbomReference.ReferencedSbomDigest(predicate, out var problem));
        Assert.StartsWith(reason, problem);
    }

    [Fact]
    public void Platform_descriptors_come_from_the_index_as_the_registry_serves_it()
    {
        var index = """{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"DIGEST","size":734,"platform":{"os":"linux","architecture":"amd64"}}]}""".Replace("DIGEST", Platform.Digest);
        Assert.Equal(Platform, SbomReference.PlatformDescriptors(index)[Platform.Digest]);
    }
}
