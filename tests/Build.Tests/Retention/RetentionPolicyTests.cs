using Pipeline.Retention;
using Xunit;

namespace BuildTests.Retention;

public class RetentionPolicyTests
{
    private const string Valid = """
        { "images": { "keepForever": ["v*.*.*-*"], "defaultBranch": { "tags": ["{permutation}-sha-*"], "keepNewest": 3 },
          "pullRequests": { "tags": ["pr-*"], "olderThanDays": 14 }, "untagged": { "olderThanDays": 90 } },
          "artifacts": { "retentionDays": 30 } }
        """;

    [Fact]
    public void The_committed_policy_parses_and_keeps_artifacts_30_days()
    {
        var root = FindRoot();
        var policy = RetentionPolicy.Load(Path.Combine(root, RetentionPolicy.DefaultFileName));

        Assert.Equal(30, policy.Artifacts.RetentionDays);
        Assert.Equal(90, policy.Images.Untagged.OlderThanDays);
        Assert.Equal(90, policy.Images.PullRequests.OlderThanDays);
        Assert.Contains("v*.*.*-*", policy.Images.KeepForever);
    }

    [Fact]
    public void The_committed_policy_fits_the_tags_the_pipeline_gives()
    {
        var policy = RetentionPolicy.Load(Path.Combine(FindRoot(), RetentionPolicy.DefaultFileName));
        var context = (BuildMode mode) => new BuildContext(mode, new string('a', 40), "refs/heads/main", "push", null, mode == BuildMode.ReleaseTag ? "v1.2.3" : null,
            DateTimeOffset.UnixEpoch, "https://example.invalid/repo");
        var id = Permutation.All[0].Id;
        var planner = new RetentionPlanner(policy.Images, Permutation.All.Select(p => p.Id).ToList());
        var release = TagPolicy.TagsFor(context(BuildMode.ReleaseTag), "127.0.0.1:5000/x/devcontainer", id).Select(t => t.Tag).ToList();
        var main = TagPolicy.TagsFor(context(BuildMode.DefaultBranch), "127.0.0.1:5000/x/devcontainer", id).Select(t => t.Tag).ToList();
        var old = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var versions = new List<RegistryVersion>
        {
            new("sha256:" + new string('1', 64), release, old),
            new("sha256:" + new string('2', 64), main, old),
            new("sha256:" + new string('3', 64), [$"{new string('c', 40)}-{id}"], old), // an older main build: its sha tag only
            new("sha256:" + new string('4', 64), [$"{new string('b', 40)}-{id}"], old.AddDays(1)),
        };

        var plan = planner.Plan(versions, old.AddYears(5));

        Assert.Empty(plan.Deletions); // releases and main are kept; the two sha-only builds are within the newest 10
        Assert.Contains(plan.Kept, k => k.Version.Digest.EndsWith('1') && k.Reason.Contains("kept forever"));
        Assert.Contains(plan.Kept, k => k.Version.Digest.EndsWith('3') && k.Reason.StartsWith("default branch: newest"));
    }

    [Fact]
    public void The_committed_policy_removes_images_only_temporary_tags_name_and_never_lets_them_keep_one()
    {
        var policy = RetentionPolicy.Load(Path.Combine(FindRoot(), RetentionPolicy.DefaultFileName));
        var ids = Permutation.All.Select(p => p.Id).ToList();
        var unpublished = policy.Images.UnpublishedTags.Tags.Select(g => new TagPattern(g, ids)).ToList();
        // Every temporary tag a docker-driver Bake pushes under is one the policy names (the tag and the pattern agree).
        foreach (var p in Permutation.All)
            foreach (var platform in p.Platforms.Select(x => (string?)x).Prepend(null))
                Assert.Contains(unpublished, pattern => pattern.Matches(TagPolicy.UnpublishedTag(p.Id, platform)));
        var context = new BuildContext(BuildMode.DefaultBranch, new string('a', 40), "refs/heads/main", "push", null, null, DateTimeOffset.UnixEpoch, "https://example.invalid/repo");
        Assert.DoesNotContain(TagPolicy.TagsFor(context, "127.0.0.1:5000/x/devcontainer", ids[0]), t => unpublished.Any(pattern => pattern.Matches(t.Tag)));

        var id = ids[0];
        var now = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        var versions = new List<RegistryVersion>
        {
            new("sha256:" + new string('1', 64), [TagPolicy.UnpublishedTag(id, "linux/arm64")], now.AddDays(-30)), // abandoned
            new("sha256:" + new string('2', 64), [TagPolicy.UnpublishedTag(id, null)], now.AddDays(-2)), // awaiting Publish
            new("sha256:" + new string('3', 64), [id, $"{new string('a', 40)}-{id}", TagPolicy.UnpublishedTag(id, "linux/amd64")], now.AddDays(-30)), // published
            new("sha256:" + new string('4', 64), [$"{id}-pr-3", TagPolicy.UnpublishedTag(id, null)], now.AddDays(-100)), // a PR image, aged
        };
        var plan = new RetentionPlanner(policy.Images, ids).Plan(versions, now);
        Assert.Equal(["sha256:" + new string('1', 64), "sha256:" + new string('4', 64)], plan.DeletedDigests.Order());
        Assert.Equal($"unpublished: only temporary tags ({TagPolicy.UnpublishedTag(id, "linux/arm64")}) and 30 days old (limit {policy.Images.UnpublishedTags.OlderThanDays})",
            plan.Deletions.Single(d => d.Version.Digest.EndsWith('1')).Reason);
        Assert.Contains(plan.Kept, k => k.Version.Digest.EndsWith('2') && k.Reason.StartsWith("unpublished: only temporary tags"));
        Assert.Contains(plan.Kept, k => k.Version.Digest.EndsWith('3') && k.Reason.Contains("kept forever"));
    }

    [Fact]
    public void A_policy_without_the_unpublished_section_still_ages_out_temporary_tags_like_untagged_versions()
    {
        var policy = RetentionPolicy.Parse(Valid, "p.json");
        Assert.Null(policy.Images.Unpublished);
        Assert.Equal([TagPolicy.UnpublishedPrefix + "*"], policy.Images.UnpublishedTags.Tags);
        Assert.Equal(90, policy.Images.UnpublishedTags.OlderThanDays);
    }

    [Fact]
    public void A_valid_policy_binds_every_value()
    {
        var policy = RetentionPolicy.Parse(Valid, "p.json");

        Assert.Equal(3, policy.Images.DefaultBranch.KeepNewest);
        Assert.Equal(14, policy.Images.PullRequests.OlderThanDays);
        Assert.Equal(["{permutation}-sha-*"], policy.Images.DefaultBranch.Tags);
    }

    [Theory]
    [InlineData("\"keepNewest\": 3", "\"keepNewest\": 3, \"keepNewset\": 1", "keepNewset")]
    [InlineData("\"olderThanDays\": 14", "\"olderThanDays\": \"two weeks\"", "images.pullRequests.olderThanDays")]
    [InlineData(", \"untagged\": { \"olderThanDays\": 90 }", "", "untagged")]
    [InlineData("\"keepNewest\": 3", "\"keepNewest\": 0", "keepNewest must be at least 1")]
    [InlineData("\"retentionDays\": 30", "\"retentionDays\": 400", "between 1 and 90")]
    [InlineData("[\"pr-*\"]", "[\"*\"]", "match-everything pattern")]
    [InlineData("{ \"images\"", "{ \"images\" ,", "is invalid")]
    public void Bad_policies_fail_with_one_line_naming_the_problem(string find, string replace, string expected)
    {
        var e = Assert.Throws<RetentionPolicyException>(() => RetentionPolicy.Parse(Valid.Replace(find, replace), "p.json"));

        Assert.Contains(expected, e.Message);
        Assert.StartsWith("Retention policy p.json", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_file_names_the_parameter_to_fix_it()
    {
        var e = Assert.Throws<RetentionPolicyException>(() => RetentionPolicy.Load("/nonexistent/policy.json"));
        Assert.Contains("--retention-policy", e.Message);
    }

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, ".nuke"))) return dir.FullName;
        throw new InvalidOperationException("no .nuke above the test assembly");
    }
}
