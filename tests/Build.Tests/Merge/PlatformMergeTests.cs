using System.Text;
using System.Text.Json;
using Xunit;

namespace BuildTests.Merge;

public class PlatformMergeTests
{
    const string Index = "application/vnd.oci.image.index.v1+json";

    /// <summary>What one native runner's Bake writes: a layout whose one entry is an index with one platform manifest.</summary>
    static PlatformPart Part(string platform, char manifest, string inputDigest = "sha256:same", string? exportedPlatform = null)
    {
        var (os, arch) = ((exportedPlatform ?? platform).Split('/')[0], (exportedPlatform ?? platform).Split('/')[1]);
        var index = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            schemaVersion = 2,
            mediaType = Index,
            manifests = new[] { new { mediaType = "application/vnd.oci.image.manifest.v1+json", digest = "sha256:" + new string(manifest, 64), size = 500, platform = new { architecture = arch, os } } },
            annotations = new Dictionary<string, string> { ["org.opencontainers.image.revision"] = "abc", ["dev.devcontainer-pipeline.input-digest"] = inputDigest },
        }));
        var layout = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            schemaVersion = 2,
            manifests = new[] { new { mediaType = Index, digest = ContentDigest.Sha256(index), size = index.Length } },
        }));
        return new PlatformPart(platform, $"{platform}.tar", layout, index);
    }

    [Fact]
    public void Two_single_platform_indexes_become_one_index_with_both_manifests_untouched()
    {
        var merged = PlatformMerge.Compose("gcc15-clang20", [Part("linux/amd64", 'a'), Part("linux/arm64", 'b')]);

        Assert.Equal(ContentDigest.Sha256(merged.IndexBlob), merged.Digest);
        var info = OciArchive.Describe(merged.LayoutIndex, d => d == merged.Digest ? merged.IndexBlob : null, "merged");
        Assert.Equal(merged.Digest, info.IndexDigest);
        Assert.Equal([new PlatformDigest("linux/amd64", "sha256:" + new string('a', 64)), new PlatformDigest("linux/arm64", "sha256:" + new string('b', 64))], info.Platforms);
        Assert.Equal("abc", info.Annotations["org.opencontainers.image.revision"]);
    }

    [Fact]
    public void The_same_parts_give_the_same_index_bytes()
    {
        var one = PlatformMerge.Compose("x", [Part("linux/amd64", 'a'), Part("linux/arm64", 'b')]);
        var two = PlatformMerge.Compose("x", [Part("linux/amd64", 'a'), Part("linux/arm64", 'b')]);
        Assert.Equal(one.IndexBlob, two.IndexBlob);
        Assert.NotEqual(one.Digest, PlatformMerge.Compose("x", [Part("linux/amd64", 'c'), Part("linux/arm64", 'b')]).Digest);
    }

    [Fact]
    public void An_annotation_the_platforms_disagree_on_is_dropped_and_named()
    {
        var merged = PlatformMerge.Compose("x", [Part("linux/amd64", 'a', "sha256:one"), Part("linux/arm64", 'b', "sha256:two")]);
        Assert.Equal(["dev.devcontainer-pipeline.input-digest"], merged.DroppedAnnotations);
        var info = OciArchive.Describe(merged.LayoutIndex, _ => merged.IndexBlob, "merged");
        Assert.False(info.Annotations.ContainsKey("dev.devcontainer-pipeline.input-digest"));
        Assert.True(info.Annotations.ContainsKey("org.opencontainers.image.revision"));
    }

    [Fact]
    public void A_part_holding_another_platform_is_refused_in_one_line()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PlatformMerge.Compose("x", [Part("linux/amd64", 'a'), Part("linux/arm64", 'b', exportedPlatform: "linux/amd64")]));
        Assert.Contains("linux/arm64.tar holds linux/amd64, not only linux/arm64", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void Two_parts_of_one_platform_and_no_parts_are_refused()
    {
        Assert.Contains("two archives for linux/amd64", Assert.Throws<InvalidOperationException>(() => PlatformMerge.Compose("x", [Part("linux/amd64", 'a'), Part("linux/amd64", 'b')])).Message);
        Assert.Contains("No platform archives", Assert.Throws<InvalidOperationException>(() => PlatformMerge.Compose("x", [])).Message);
    }

    [Fact]
    public void An_input_digest_every_platform_job_agrees_on_is_kept()
    {
        var merged = PlatformMerge.Compose("x", [Part("linux/amd64", 'a', "sha256:both"), Part("linux/arm64", 'b', "sha256:both")]);
        Assert.Empty(merged.DroppedAnnotations);
        Assert.Equal("sha256:both", ReuseDecision.InputDigestOf(Encoding.UTF8.GetString(merged.IndexBlob)));
    }

    static readonly string Published = "sha256:" + new string('d', 64);

    [Fact]
    public void Reused_evidence_of_every_platform_job_naming_the_published_digest_passes()
    {
        Assert.Null(PlatformMerge.ReusedEvidenceProblem("x", Published,
            [new ReusedPart("linux/amd64", "platforms/x-amd64", Published, IsCopy: false, HasSbom: true), new ReusedPart("linux/arm64", "platforms/x-arm64", Published, IsCopy: true, HasSbom: false)]));
    }

    [Fact]
    public void Missing_or_other_reused_evidence_is_one_line_naming_the_job()
    {
        Assert.Equal("x linux/arm64 was reused but platforms/x-arm64 holds neither its published index (images/x.index.json) nor its archive (images/x.tar); upload what its Bake produced and download it to the platform parts folder.",
            PlatformMerge.ReusedEvidenceProblem("x", Published, [new ReusedPart("linux/amd64", "platforms/x-amd64", Published, false, true), new ReusedPart("linux/arm64", "platforms/x-arm64", null, false, false)]));
        Assert.Contains($"x linux/amd64 recorded the reuse of {Published} but platforms/x-amd64 holds sha256:{new string('e', 64)}",
            PlatformMerge.ReusedEvidenceProblem("x", Published, [new ReusedPart("linux/amd64", "platforms/x-amd64", "sha256:" + new string('e', 64), false, true)]));
        Assert.Contains("platforms/x-amd64 holds no attested SBOMs (sbom/x.<os>-<arch>.cdx.json) or record (pushed/x.json)",
            PlatformMerge.ReusedEvidenceProblem("x", Published, [new ReusedPart("linux/amd64", "platforms/x-amd64", Published, false, false)]));
        Assert.Contains("No platform artifacts for x", PlatformMerge.ReusedEvidenceProblem("x", Published, []));
    }
}
