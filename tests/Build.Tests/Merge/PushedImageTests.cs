using Xunit;

namespace BuildTests.Merge;

/// <summary>The record Bake leaves of an image it pushed (or reused) in a registry, and what MergePlatforms refuses in it.</summary>
public class PushedImageTests
{
    const string Repository = "127.0.0.1:5000/team/devcontainer";
    static readonly string Digest = "sha256:" + new string('a', 64);
    static PushedImage Image(string permutation = "gcc14-clang20", string[]? platforms = null, string repository = Repository, string? digest = null) =>
        new(PushedImage.CurrentSchemaVersion, permutation, platforms ?? ["linux/arm64"], repository, digest ?? Digest);

    [Fact]
    public void A_record_round_trips_and_names_the_image_by_digest()
    {
        var image = Image();
        var json = PushedImageStore.Serialize(image);
        Assert.DoesNotContain("reference", json); // derived, not stored
        var read = PushedImageStore.Parse(json, "pushed/gcc14-clang20.json");
        Assert.Equal(image.Digest, read.Digest);
        Assert.Equal(["linux/arm64"], read.Platforms);
        Assert.Equal($"{Repository}@{Digest}", read.Reference);
        Assert.Null(PlatformMerge.PushedImageProblem(read, "gcc14-clang20", "linux/arm64", Repository, "r.json"));
    }

    [Theory]
    [InlineData("not json", "r.json is not a pushed-image record (")]
    [InlineData("{\"schemaVersion\":2,\"permutation\":\"x\"}", "r.json is not a pushed-image record (it needs permutation, platforms, repository and digest); re-run Bake to write it again.")]
    [InlineData("{\"schemaVersion\":1,\"permutation\":\"x\",\"platforms\":[],\"repository\":\"r\",\"digest\":\"d\"}", "r.json is a pushed-image record of schema 1, this build reads 2; re-run Bake with this build.")]
    public void A_file_that_is_not_a_record_is_refused_with_one_line(string json, string expected)
    {
        var e = Assert.Throws<InvalidOperationException>(() => PushedImageStore.Parse(json, "r.json"));
        Assert.StartsWith(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Another_permutation_platform_repository_or_a_bad_digest_is_named_with_its_fix()
    {
        Assert.Equal("r.json records gcc15-clang20, not gcc14-clang20; download each build job's artifact into its own folder (<id>-<arch>/).",
            PlatformMerge.PushedImageProblem(Image(permutation: "gcc15-clang20"), "gcc14-clang20", "linux/arm64", Repository, "r.json"));
        Assert.Equal("r.json records linux/amd64 and linux/arm64, not only linux/arm64; each per-platform job must build exactly its own platform (--platforms linux/arm64).",
            PlatformMerge.PushedImageProblem(Image(platforms: ["linux/amd64", "linux/arm64"]), "gcc14-clang20", "linux/arm64", Repository, "r.json"));
        Assert.Equal("r.json records linux/amd64, not only linux/arm64; each per-platform job must build exactly its own platform (--platforms linux/arm64).",
            PlatformMerge.PushedImageProblem(Image(platforms: ["linux/amd64"]), "gcc14-clang20", "linux/arm64", Repository, "r.json"));
        Assert.Equal($"r.json was pushed to 127.0.0.1:5000/other/devcontainer, but this run merges for {Repository}; pass MergePlatforms the build jobs' --registry and --image-name.",
            PlatformMerge.PushedImageProblem(Image(repository: "127.0.0.1:5000/other/devcontainer"), "gcc14-clang20", "linux/arm64", Repository, "r.json"));
        Assert.Equal("r.json names digest 'sha256:ABC', not sha256:<64 hex digits>; re-run its build job to push and record the image again.",
            PlatformMerge.PushedImageProblem(Image(digest: "sha256:ABC"), "gcc14-clang20", "linux/arm64", Repository, "r.json"));
    }

    [Fact]
    public void An_index_beside_its_record_with_another_digest_is_refused()
    {
        Assert.Null(PlatformMerge.ReadBackProblem(Image(), Digest));
        var other = "sha256:" + new string('b', 64);
        Assert.Equal($"{Repository}@{Digest}'s index beside its record hashes to {other}; the registry or the artifact changed the image: re-run its build job, and check the registry keeps manifests byte for byte.",
            PlatformMerge.ReadBackProblem(Image(), other));
    }

    [Fact]
    public void A_record_keeps_the_temporary_tag_and_whether_a_reused_images_evidence_was_kept()
    {
        var image = Image() with { TemporaryTag = "unpublished-gcc14-clang20-arm64", KeptEvidence = true };
        var read = PushedImageStore.Parse(PushedImageStore.Serialize(image), "r.json");
        Assert.Equal("unpublished-gcc14-clang20-arm64", read.TemporaryTag);
        Assert.True(read.KeptEvidence);
        Assert.False(PushedImageStore.Parse(PushedImageStore.Serialize(Image()), "r.json").KeptEvidence);
    }

    [Fact]
    public void The_record_lives_in_its_own_folder_beside_the_archives()
    {
        var layout = new ArtifactLayout(Pipeline.Host.AbsolutePath.Create(Path.Combine(Path.GetTempPath(), "a")));
        Assert.Equal(Path.Combine(Path.GetTempPath(), "a", "pushed", "gcc14-clang20.json"), (string)layout.PushedImage(Permutation.All.Single(p => p.Id == "gcc14-clang20")));
    }
}
