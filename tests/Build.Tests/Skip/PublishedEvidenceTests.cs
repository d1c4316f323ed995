using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace BuildTests.Skip;

/// <summary>What a reused permutation keeps instead of its bytes: the published index and the verified SBOM attestation.</summary>
public class PublishedEvidenceTests
{
    static readonly string Amd64 = "sha256:" + new string('a', 64);
    static readonly string Arm64 = "sha256:" + new string('b', 64);
    static readonly string Attestation = "sha256:" + new string('c', 64);

    static byte[] Index() => Encoding.UTF8.GetBytes($$$"""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{Amd64}}}","size":1,"platform":{"architecture":"amd64","os":"linux"}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{Arm64}}}","size":1,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{Attestation}}}","size":1,"platform":{"architecture":"unknown","os":"unknown"}}]}
        """);

    static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <summary>One line of `cosign verify-attestation --output json`: a DSSE envelope around an in-toto statement.</summary>
    static string Envelope(string predicateType, string subjectDigest, JsonNode? predicate)
    {
        var statement = new JsonObject
        {
            ["_type"] = "https://in-toto.io/Statement/v0.1",
            ["predicateType"] = predicateType,
            ["subject"] = new JsonArray(new JsonObject { ["name"] = "127.0.0.1:5000/team/devcontainer", ["digest"] = new JsonObject { ["sha256"] = subjectDigest["sha256:".Length..] } }),
        };
        if (predicate is not null) statement["predicate"] = predicate;
        return new JsonObject
        {
            ["payloadType"] = "application/vnd.in-toto+json",
            ["payload"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(statement.ToJsonString())),
            ["signatures"] = new JsonArray(new JsonObject { ["keyid"] = "", ["sig"] = "MEUC" }),
        }.ToJsonString();
    }

    static JsonObject Sbom() => new() { ["bomFormat"] = "CycloneDX", ["specVersion"] = "1.6", ["metadata"] = new JsonObject { ["component"] = new JsonObject { ["name"] = "image" } },
        ["components"] = new JsonArray(new JsonObject { ["type"] = "library", ["name"] = "busybox" }) };

    [Fact]
    public void The_published_index_gives_the_image_digest_and_its_platforms_without_any_archive()
    {
        var index = Index();
        var info = PublishedEvidence.DescribeIndex(index, "images/x.index.json");
        Assert.Equal(Sha256(index), info.IndexDigest);
        Assert.Equal([new PlatformDigest("linux/amd64", Amd64), new PlatformDigest("linux/arm64/v8", Arm64)], info.Platforms);
    }

    [Fact]
    public void A_single_manifest_is_not_an_index_and_is_refused()
    {
        var manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}""");
        Assert.Contains("not an image index", Assert.Throws<InvalidOperationException>(() => PublishedEvidence.DescribeIndex(manifest, "x")).Message);
    }

    [Fact]
    public void The_cyclonedx_attestation_of_the_image_yields_its_sbom_among_other_attestations()
    {
        var digest = Sha256(Index());
        var output = string.Join("\n", Envelope("https://slsa.dev/provenance/v1", digest, new JsonObject { ["buildDefinition"] = new JsonObject() }),
            Envelope("https://cyclonedx.org/bom", digest, Sbom()));
        var sbom = PublishedEvidence.AttestedSbom(output, digest, out var problem);
        Assert.Equal("", problem);
        Assert.True(JsonNode.DeepEquals(Sbom(), JsonNode.Parse(sbom!)));
        Assert.Null(SbomGate.Problem("gcc15-clang20", sbom!, "sbom/gcc15-clang20.cdx.json"));
    }

    [Fact]
    public void An_attestation_of_another_image_is_not_believed()
    {
        var sbom = PublishedEvidence.AttestedSbom(Envelope("https://cyclonedx.org/bom", Attestation, Sbom()), Amd64, out var problem);
        Assert.Null(sbom);
        Assert.Contains("names another image", problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"payloadType":"application/vnd.in-toto+json","payload":"%%%"}""")]
    public void No_verified_sbom_in_the_output_gives_a_reason_instead(string output)
    {
        Assert.Null(PublishedEvidence.AttestedSbom(output, Amd64, out var problem));
        Assert.NotEmpty(problem);
    }

    [Fact]
    public void A_statement_without_a_predicate_is_no_sbom()
    {
        Assert.Null(PublishedEvidence.AttestedSbom(Envelope("https://cyclonedx.org/bom", Amd64, null), Amd64, out var problem));
        Assert.Contains("carries no predicate", problem);
    }
}
