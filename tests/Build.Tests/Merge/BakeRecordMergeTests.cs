using BuildTests.Publish;
using Xunit;

namespace BuildTests.Merge;

public class BakeRecordMergeTests
{
    const string Id = "gcc14-clang20";
    static readonly BaseImage Base = new("127.0.0.1:5000/base/ubuntu:24.04", ManifestSamples.Digest('b'));

    /// <summary>What one per-platform job's Bake records for <see cref="Id"/>: one platform, its own override and input digest.</summary>
    static PlatformRecord Job(string platform, char overrideDigest, string sha = "c", BaseImage? baseImage = null, bool reused = false, string? recordedPlatform = null) =>
        new(Id, platform, $"platforms/{Id}-{platform.Split('/')[1]}/bake-plan.json", new BakeRecord(
            BakeRecord.CurrentSchemaVersion, new string(sha[0], 40), "refs/heads/main", "push", 1_796_205_120, "https://github.com/acme/images", "127.0.0.1:5000/team/devcontainer",
            "docker-bake.hcl", ManifestSamples.Digest('f'),
            [new PermutationRecord(Id, [recordedPlatform ?? platform], [new ImageTag($"127.0.0.1:5000/team/devcontainer:{Id}", true)],
                ManifestSamples.Digest(platform.EndsWith("amd64") ? '1' : '2'), baseImage ?? Base,
                [new ResolvedImage(Base.Reference, Base.Digest, [], "FROM")],
                [new PlatformOverride(recordedPlatform ?? platform, ManifestSamples.Digest(overrideDigest))], reused ? ManifestSamples.Digest('r') : null)]));

    [Fact]
    public void The_platforms_jobs_become_one_permutation_that_keeps_each_platform_s_override()
    {
        var merged = BakeRecordMerge.Combine([Job("linux/amd64", 'a'), Job("linux/arm64", 'e')]);

        var p = Assert.Single(merged.Permutations);
        Assert.Equal(["linux/amd64", "linux/arm64"], p.Platforms);
        Assert.Equal([new PlatformOverride("linux/amd64", ManifestSamples.Digest('a')), new PlatformOverride("linux/arm64", ManifestSamples.Digest('e'))], p.Overrides);
        Assert.Equal(Base, p.BaseImage);
        Assert.Equal(new string('c', 40), merged.Sha);
    }

    [Fact]
    public void Per_platform_input_digests_that_differ_give_the_permutation_none()
    {
        var merged = BakeRecordMerge.Combine([Job("linux/amd64", 'a'), Job("linux/arm64", 'e')]);
        Assert.Null(merged.Permutations[0].InputDigest);
        Assert.Equal(ManifestSamples.Digest('1'), BakeRecordMerge.Combine([Job("linux/amd64", 'a')]).Permutations[0].InputDigest);
    }

    [Fact]
    public void Jobs_of_different_commits_are_refused_naming_both()
    {
        var e = Assert.Throws<InvalidOperationException>(() => BakeRecordMerge.Combine([Job("linux/amd64", 'a'), Job("linux/arm64", 'e', sha: "d")]));
        Assert.Contains("linux/arm64 build ran commit " + new string('d', 40), e.Message);
        Assert.Contains("re-run the workflow", e.Message);
    }

    [Fact]
    public void Platforms_built_from_different_base_images_are_refused()
    {
        var moved = Base with { Digest = ManifestSamples.Digest('9') };
        var e = Assert.Throws<InvalidOperationException>(() => BakeRecordMerge.Combine([Job("linux/amd64", 'a'), Job("linux/arm64", 'e', baseImage: moved)]));
        Assert.Contains($"base image {moved.Pinned} but linux/amd64 ran {Base.Pinned}", e.Message);
    }

    [Fact]
    public void A_job_that_built_another_platform_or_reused_is_refused()
    {
        var wrong = Assert.Throws<InvalidOperationException>(() => BakeRecordMerge.Combine([Job("linux/amd64", 'a', recordedPlatform: "linux/arm64")]));
        Assert.Contains("built for linux/arm64, not only linux/amd64", wrong.Message);
        var reused = Assert.Throws<InvalidOperationException>(() => BakeRecordMerge.Combine([Job("linux/amd64", 'a', reused: true)]));
        Assert.Contains("linux/amd64 was reused, not built", reused.Message);
        var twice = Assert.Throws<InvalidOperationException>(() => BakeRecordMerge.Combine([Job("linux/amd64", 'a'), Job("linux/amd64", 'a')]));
        Assert.Contains("two build records for linux/amd64", twice.Message);
    }

    [Fact]
    public void A_record_round_trips_and_a_foreign_file_is_refused_with_one_line()
    {
        var record = Job("linux/amd64", 'a').Record;
        var json = BakeRecordStore.Serialize(record);
        var read = BakeRecordStore.Parse(json, "bake-plan.json");
        Assert.Equal(BakeRecordStore.Serialize(read), json);
        Assert.Equal(record.Permutations[0].Tags, read.Permutations[0].Tags);
        Assert.DoesNotContain("\"pinned\"", json); // derived properties are not data
        Assert.DoesNotContain("\"reused\"", json);

        var foreign = Assert.Throws<InvalidOperationException>(() => BakeRecordStore.Parse("""{"schemaVersion":1}""", "x.json"));
        Assert.Equal("x.json is not a bake record (no sha or permutations); re-run Bake to write it again.", foreign.Message);
        var newer = Assert.Throws<InvalidOperationException>(() => BakeRecordStore.Parse(json.Replace("\"schemaVersion\": 1", "\"schemaVersion\": 2"), "x.json"));
        Assert.Contains("schema 2, this build reads 1", newer.Message);
    }
}
