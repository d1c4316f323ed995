using BuildTests.Publish;
using Xunit;

namespace BuildTests.Merge;

public class BakeRecordMergeTests
{
    const string Id = "gcc14-clang20";
    static readonly BaseImage Base = new("127.0.0.1:5000/base/ubuntu:24.04", ManifestSamples.Digest('b'));

    /// <summary>What one per-platform job's Bake records for <see cref="Id"/>: one platform, its own override and input digest.</summary>
    static PlatformRecord Job(string platform, char overrideDigest, string sha = "c", BaseImage? baseImage = null, bool reused = false, string? recordedPlatform = null,
        char? inputDigest = null, char reusedDigest = 'r') =>
        new(Id, platform, $"platforms/{Id}-{platform.Split('/')[1]}/bake-plan.json", new BakeRecord(
            BakeRecord.CurrentSchemaVersion, new string(sha[0], 40), "refs/heads/main", "push", 1_796_205_120, "https://github.com/acme/images", "127.0.0.1:5000/team/devcontainer",
            "docker-bake.hcl", ManifestSamples.Digest('f'),
            [new PermutationRecord(Id, [recordedPlatform ?? platform], [new ImageTag($"127.0.0.1:5000/team/devcontainer:{Id}", true)],
                ManifestSamples.Digest(inputDigest ?? (platform.EndsWith("amd64") ? '1' : '2')), baseImage ?? Base,
                [new ResolvedImage(Base.Reference, Base.Digest, [], "FROM")],
                [new PlatformOverride(recordedPlatform ?? platform, ManifestSamples.Digest(overrideDigest))], reused ? ManifestSamples.Digest(reusedDigest) : null)]));

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
    public void Per_platform_jobs_digesting_the_permutation_s_platforms_agree_and_the_permutation_keeps_it()
    {
        var merged = BakeRecordMerge.Combine([Job("linux/amd64", 'a', inputDigest: '7'), Job("linux/arm64", 'e', inputDigest: '7')]);
        Assert.Equal(ManifestSamples.Digest('7'), merged.Permutations[0].InputDigest);
        Assert.False(merged.Permutations[0].Reused);
    }

    [Fact]
    public void Every_platform_reusing_the_same_published_image_stays_reused_for_all_platforms()
    {
        var merged = BakeRecordMerge.Combine([Job("linux/amd64", 'a', reused: true, inputDigest: '7'), Job("linux/arm64", 'e', reused: true, inputDigest: '7')]);

        var p = Assert.Single(merged.Permutations);
        Assert.Equal(ManifestSamples.Digest('r'), p.ReusedDigest);
        Assert.Equal(["linux/amd64", "linux/arm64"], p.Platforms);
        Assert.Equal(ManifestSamples.Digest('7'), p.InputDigest);
        Assert.Contains($"\"reusedDigest\": \"{ManifestSamples.Digest('r')}\"", BakeRecordStore.Serialize(merged)); // the merged bake-plan.json says reused
    }

    [Fact]
    public void One_platform_reused_and_another_built_is_refused_in_one_line_naming_both_and_force()
    {
        var e = Assert.Throws<InvalidOperationException>(() => BakeRecordMerge.Combine([Job("linux/amd64", 'a'), Job("linux/arm64", 'e', reused: true)]));
        Assert.Equal($"{Id}: the linux/arm64 job reused the published {ManifestSamples.Digest('r')} (platforms/{Id}-arm64/bake-plan.json) but the linux/amd64 job built its platform (platforms/{Id}-amd64/bake-plan.json); one index cannot join both: re-run all the workflow's jobs (every platform then reads the same published image), or build with --force so every platform builds (in CI: the repository variable DEVCONTAINER_FORCE=true for one run).", e.Message);
        Assert.DoesNotContain('\n', e.Message);

        var moved = Assert.Throws<InvalidOperationException>(() => BakeRecordMerge.Combine([Job("linux/amd64", 'a', reused: true), Job("linux/arm64", 'e', reused: true, reusedDigest: 's')]));
        Assert.Contains($"the linux/amd64 job reused {ManifestSamples.Digest('r')} but the linux/arm64 job reused {ManifestSamples.Digest('s')}", moved.Message);
        Assert.Contains("--force", moved.Message);
    }

    [Fact]
    public void A_job_that_built_another_platform_or_twice_is_refused()
    {
        var wrong = Assert.Throws<InvalidOperationException>(() => BakeRecordMerge.Combine([Job("linux/amd64", 'a', recordedPlatform: "linux/arm64")]));
        Assert.Contains("built for linux/arm64, not only linux/amd64", wrong.Message);
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
