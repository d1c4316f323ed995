using Xunit;

namespace BuildTests.Bake;

public class OciMetadataTests
{
    static readonly BaseImage Base = new("docker.io/library/ubuntu:24.04@sha256:" + new string('a', 64), "sha256:" + new string('a', 64));

    [Fact]
    public void Labels_come_from_the_commit_not_the_clock()
    {
        var labels = OciMetadata.Labels(Contexts.Main, "devcontainer", Permutation.Gcc15ClangP2996, Base);
        Assert.Equal("2026-03-14T15:09:26Z", labels["org.opencontainers.image.created"]);
        Assert.Equal(Contexts.Sha, labels["org.opencontainers.image.revision"]);
        Assert.Equal("https://github.com/acme/devcontainers", labels["org.opencontainers.image.source"]);
        Assert.Equal("devcontainer gcc15-clangp2996", labels["org.opencontainers.image.title"]);
        Assert.Equal("docker.io/library/ubuntu:24.04", labels["org.opencontainers.image.base.name"]);
        Assert.Equal(Base.Digest, labels["org.opencontainers.image.base.digest"]);
    }

    [Fact]
    public void Version_follows_the_mode()
    {
        Assert.Equal("main", OciMetadata.VersionOf(Contexts.Main));
        Assert.Equal("v1.2.3", OciMetadata.VersionOf(Contexts.Release("v1.2.3")));
        Assert.Equal("pr-7", OciMetadata.VersionOf(Contexts.PullRequest(7)));
        Assert.Equal("local", OciMetadata.VersionOf(Contexts.Local));
    }

    [Fact]
    public void No_source_label_without_a_known_source()
    {
        Assert.DoesNotContain("org.opencontainers.image.source", OciMetadata.Labels(Contexts.Local, "devcontainer", Permutation.Gcc14Clang20, Base).Keys);
    }

    [Fact]
    public void Annotations_repeat_every_label_on_the_index_and_the_manifests()
    {
        var labels = OciMetadata.Labels(Contexts.Main, "devcontainer", Permutation.Gcc14Clang20, Base);
        var annotations = OciMetadata.Annotations(labels);
        Assert.Equal(labels.Count * 2, annotations.Count);
        Assert.Contains($"index:org.opencontainers.image.revision={Contexts.Sha}", annotations);
        Assert.Contains($"manifest:org.opencontainers.image.revision={Contexts.Sha}", annotations);
    }

    [Fact]
    public void Base_image_digest_is_read_from_a_pinned_reference_only()
    {
        Assert.Equal(Base.Digest, BaseImage.DigestIn(Base.Reference));
        Assert.Null(BaseImage.DigestIn("docker.io/library/ubuntu:24.04"));
        Assert.Null(BaseImage.DigestIn("ubuntu@sha256:short"));
        Assert.Equal("127.0.0.1:5000/base/busybox:latest@sha256:" + new string('b', 64),
            new BaseImage("127.0.0.1:5000/base/busybox:latest", "sha256:" + new string('b', 64)).Pinned);
    }

    [Fact]
    public void An_image_FROM_scratch_carries_no_base_labels()
    {
        var labels = OciMetadata.Labels(Contexts.Main, "devcontainer", Permutation.Gcc15ClangP2996, null);
        Assert.DoesNotContain(labels.Keys, k => k.StartsWith("org.opencontainers.image.base.", StringComparison.Ordinal));
        Assert.Equal(Contexts.Sha, labels["org.opencontainers.image.revision"]);
    }

    [Theory]
    [InlineData("127.0.0.1:5000/base/busybox:latest", "127.0.0.1:5000/base/busybox")]
    [InlineData("127.0.0.1:5000/base/ubuntu:24.04", "127.0.0.1:5000/base/ubuntu:24.04")]
    [InlineData("docker.io/library/ubuntu:24.04", "ubuntu:24.04")]
    [InlineData("docker.io/acme/tools:latest", "acme/tools")]
    [InlineData("localhost:5000/busybox", "localhost:5000/busybox")]
    public void Named_context_keys_are_the_names_BuildKit_looks_up(string reference, string key) =>
        Assert.Equal(key, new ResolvedImage(reference, "sha256:" + new string('a', 64), [], "FROM").ContextKey);

    [Fact]
    public void A_raw_index_resolves_to_its_digest_and_platform_manifests()
    {
        const string raw = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":1,"platform":{"architecture":"amd64","os":"linux"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222","size":1,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:3333333333333333333333333333333333333333333333333333333333333333","size":1,"platform":{"architecture":"unknown","os":"unknown"}}]}
            """;
        var image = ResolvedImage.FromRawManifest("r/base:1", "FROM", raw);
        Assert.Equal(ContentDigest.Sha256(System.Text.Encoding.UTF8.GetBytes(raw)), image.Digest);
        Assert.Equal(["linux/amd64", "linux/arm64/v8"], image.Platforms.Select(p => p.Platform));
        Assert.Equal("r/base:1@" + image.Digest, image.Pinned);
        Assert.Empty(ResolvedImage.FromRawManifest("r/single:1", "FROM", """{"schemaVersion":2,"config":{},"layers":[]}""").Platforms);
    }
}
