using Pipeline.Retention;
using Xunit;
using static BuildTests.Retention.RepositoryBuilder;

namespace BuildTests.Retention;

public class RetentionPlannerTests
{
    [Fact]
    public void Release_tags_are_kept_forever_however_old()
    {
        var plan = PolicyFixtures.Plan(new RepositoryBuilder().Index("rel", 2000, "v1.2.3-gcc15-clang20").Build());

        Assert.Empty(plan.Deletions);
        Assert.Contains(plan.Kept, k => k.Version.Digest == D("rel") && k.Reason.Contains("v1.2.3-gcc15-clang20 is kept forever"));
    }

    [Fact]
    public void Untagged_versions_are_deleted_only_past_the_age_limit_and_never_without_a_creation_time()
    {
        var plan = PolicyFixtures.Plan(new RepositoryBuilder()
            .Manifest("old", 91).Manifest("young", 89).Manifest("unknown", null).Build());

        var deleted = Assert.Single(plan.Deletions);
        Assert.Equal(D("old"), deleted.Version.Digest);
        Assert.Equal("untagged and 91 days old (limit 90)", deleted.Reason);
        Assert.Contains(plan.Kept, k => k.Version.Digest == D("young"));
        Assert.Contains(plan.Kept, k => k.Version.Digest == D("unknown") && k.Reason.Contains("creation time unknown"));
    }

    [Fact]
    public void Pull_request_only_images_age_out_but_a_pr_image_with_another_tag_stays()
    {
        var plan = PolicyFixtures.Plan(new RepositoryBuilder()
            .Index("pr-old", 120, "gcc15-clang20-pr-7")
            .Index("pr-new", 10, "gcc15-clang20-pr-8")
            .Index("pr-and-other", 120, "gcc15-clang20-pr-9", "experiment")
            .Build());

        Assert.Equal(new[] { D("pr-old"), D("pr-old/amd64"), D("pr-old/arm64") }.Order(), plan.DeletedDigests.Order());
        Assert.Equal("pull-request only (gcc15-clang20-pr-7) and 120 days old (limit 90)", plan.Deletions.Single(d => d.Version.Digest == D("pr-old")).Reason);
        Assert.Contains(plan.Kept, k => k.Version.Digest == D("pr-and-other") && k.Reason.Contains("experiment is not named by the policy"));
    }

    [Fact]
    public void Default_branch_keeps_the_newest_N_per_permutation_independently()
    {
        var plan = PolicyFixtures.Plan(new RepositoryBuilder()
            .Index("a1", 300, "gcc15-clang20-sha-aaaaaa1").Index("a2", 200, "gcc15-clang20-sha-aaaaaa2").Index("a3", 100, "gcc15-clang20-sha-aaaaaa3")
            .Index("b1", 300, "gcc14-clang20-sha-bbbbbb1")
            .Build(), PolicyFixtures.Images(keepNewest: 2));

        var deletedImages = plan.Deletions.Where(d => d.Role == VersionRole.Image).ToList();
        Assert.Equal(D("a1"), Assert.Single(deletedImages).Version.Digest);
        Assert.Equal("default branch: 2 newer builds of gcc15-clang20 are kept", deletedImages[0].Reason);
        Assert.Contains(plan.Kept, k => k.Version.Digest == D("b1") && k.Reason == "default branch: newest 1 of 2 kept for gcc14-clang20");
    }

    [Fact]
    public void A_mutable_pointer_tag_keeps_an_older_default_branch_build_that_rollback_moved_it_to()
    {
        var plan = PolicyFixtures.Plan(new RepositoryBuilder()
            .Index("old", 300, "gcc15-clang20-sha-0000001", "gcc15-clang20-main")
            .Index("n1", 20, "gcc15-clang20-sha-0000002").Index("n2", 10, "gcc15-clang20-sha-0000003")
            .Build(), PolicyFixtures.Images(keepNewest: 1));

        Assert.Contains(plan.Kept, k => k.Version.Digest == D("old"));
        Assert.Equal(D("n2"), Assert.Single(plan.Kept, k => k.Role == VersionRole.Image && k.Reason.StartsWith("default branch")).Version.Digest);
        Assert.Contains(plan.Deletions, d => d.Version.Digest == D("n1"));
    }

    [Fact]
    public void The_build_main_points_at_counts_towards_the_newest_N()
    {
        var plan = PolicyFixtures.Plan(new RepositoryBuilder()
            .Index("old", 200, "gcc15-clang20-sha-0000001")
            .Index("current", 10, "gcc15-clang20-sha-0000002", "gcc15-clang20-main")
            .Build(), PolicyFixtures.Images(keepNewest: 1));

        Assert.Equal(D("old"), plan.Deletions.Single(d => d.Role == VersionRole.Image).Version.Digest);
        Assert.Contains(plan.Kept, k => k.Version.Digest == D("current") && k.Reason == "tag gcc15-clang20-main is kept forever");
    }

    [Fact]
    public void Classic_bug_untagged_platform_children_of_a_kept_index_survive_however_old()
    {
        var plan = PolicyFixtures.Plan(new RepositoryBuilder().Index("rel", 500, "v2.0.0-gcc15-clang20").Build(), PolicyFixtures.Images(untaggedDays: 1));

        Assert.Empty(plan.Deletions);
        Assert.Equal(3, plan.Kept.Count);
        Assert.All(plan.Kept.Where(k => k.Version.Digest != D("rel")), k =>
        {
            Assert.Equal(VersionRole.PlatformManifest, k.Role);
            Assert.Equal($"platform manifest of kept {D("rel")[..19]}", k.Reason);
        });
    }

    [Fact]
    public void Children_of_a_deleted_index_go_with_it_unless_a_kept_index_shares_them()
    {
        var shared = D("shared-amd64");
        var versions = new RepositoryBuilder()
            .Add(new RegistryVersion(D("keep"), ["v1.0.0-gcc15-clang20"], Now.AddDays(-400), OciMediaTypes.ImageIndex, [shared, D("keep-arm")]))
            .Add(new RegistryVersion(D("drop"), ["gcc15-clang20-pr-3"], Now.AddDays(-400), OciMediaTypes.ImageIndex, [shared, D("drop-arm")]))
            .Manifest("shared-amd64", 400).Manifest("keep-arm", 400).Manifest("drop-arm", 400)
            .Build();

        var plan = PolicyFixtures.Plan(versions);

        Assert.Equal(new[] { D("drop"), D("drop-arm") }.Order(), plan.DeletedDigests.Order());
        Assert.Contains(plan.Kept, k => k.Version.Digest == shared);
        Assert.Equal($"platform manifest of deleted {D("drop")[..19]}", plan.Deletions.Single(d => d.Version.Digest == D("drop-arm")).Reason);
    }

    [Fact]
    public void Cosign_tag_attachments_follow_their_image_kept_with_kept_deleted_with_deleted()
    {
        var plan = PolicyFixtures.Plan(new RepositoryBuilder()
            .Index("rel", 400, "v1.0.0-gcc15-clang20").Signed("rel", sbom: true)
            .Index("pr", 400, "pr-4").Signed("pr")
            .Build());

        Assert.Equal(new[] { "rel.sig", "rel.att", "rel.sbom" }.Select(D).Order(), plan.Kept.Where(k => k.Role != VersionRole.Image && k.Role != VersionRole.PlatformManifest).Select(k => k.Version.Digest).Order());
        Assert.Equal(new[] { "pr", "pr/amd64", "pr/arm64", "pr.sig", "pr.att" }.Select(D).Order(), plan.DeletedDigests.Order());
        Assert.Equal($"signature of deleted {D("pr")[..19]}", plan.Deletions.Single(d => d.Version.Digest == D("pr.sig")).Reason);
        Assert.Equal(VersionRole.Attestation, plan.Deletions.Single(d => d.Version.Digest == D("pr.att")).Role);
    }

    [Fact]
    public void Oci_referrers_of_kept_images_survive_and_those_of_deleted_images_are_deleted()
    {
        var plan = PolicyFixtures.Plan(new RepositoryBuilder()
            .Index("rel", 400, "v1.0.0-gcc15-clang20").Referrer("rel-bundle", "rel", "application/vnd.dev.sigstore.bundle.v0.3+json")
            .Index("old", 400).Referrer("old-provenance", "old", "application/vnd.in-toto+json")
            .Build());

        Assert.Contains(plan.Kept, k => k.Version.Digest == D("rel-bundle") && k.Role == VersionRole.Signature);
        var deleted = plan.Deletions.Single(d => d.Version.Digest == D("old-provenance"));
        Assert.Equal(VersionRole.Attestation, deleted.Role);
        Assert.Equal($"attestation of deleted {D("old")[..19]}", deleted.Reason);
    }

    [Fact]
    public void Orphaned_signatures_whose_image_is_gone_are_deleted()
    {
        var plan = PolicyFixtures.Plan(new RepositoryBuilder().Signed("long-gone").Build());

        Assert.Equal(2, plan.Deletions.Count);
        Assert.All(plan.Deletions, d => Assert.Contains("is not in the repository", d.Reason));
    }

    [Fact]
    public void A_signature_on_a_platform_manifest_of_a_kept_index_is_kept()
    {
        var plan = PolicyFixtures.Plan(new RepositoryBuilder().Index("rel", 400, "v1.0.0-gcc15-clang20").Signed("rel/arm64").Build());

        Assert.Empty(plan.Deletions);
        Assert.Contains(plan.Kept, k => k.Version.Digest == D("rel/arm64.sig") && k.Reason.StartsWith("signature of kept"));
    }

    [Fact]
    public void The_referrers_tag_schema_fallback_index_and_its_referrers_follow_the_subject()
    {
        RepositoryBuilder WithFallback(RepositoryBuilder b, string subject) => b
            .Add(new RegistryVersion(D(subject + "-refs"), [CosignTags.TagFor(D(subject), "")], Now, OciMediaTypes.ImageIndex, [D(subject + "-bundle")]))
            .Add(new RegistryVersion(D(subject + "-bundle"), [], Now, OciMediaTypes.ImageManifest));
        var plan = PolicyFixtures.Plan(WithFallback(WithFallback(new RepositoryBuilder()
            .Index("rel", 400, "v1.0.0-gcc15-clang20").Index("pr", 400, "pr-1"), "rel"), "pr").Build());

        Assert.Contains(plan.Kept, k => k.Version.Digest == D("rel-bundle") && k.Role == VersionRole.Referrer);
        Assert.Contains(plan.Deletions, d => d.Version.Digest == D("pr-refs"));
        Assert.Contains(plan.Deletions, d => d.Version.Digest == D("pr-bundle") && d.Role == VersionRole.Referrer);
        Assert.DoesNotContain(plan.Deletions, d => d.Version.Digest.StartsWith(D("rel")));
    }

    [Fact]
    public void Deletions_are_ordered_images_then_platform_manifests_then_attachments()
    {
        var plan = PolicyFixtures.Plan(new RepositoryBuilder().Index("pr", 400, "pr-2").Signed("pr").Build());

        Assert.Equal(
            [VersionRole.Image, VersionRole.PlatformManifest, VersionRole.PlatformManifest, VersionRole.Signature, VersionRole.Attestation],
            plan.Deletions.Select(d => d.Role).Take(3).Concat(plan.Deletions.Skip(3).Select(d => d.Role).OrderBy(r => r)).ToArray());
    }

    [Fact]
    public void Every_version_is_decided_once_and_nothing_kept_references_a_deletion()
    {
        var builder = new RepositoryBuilder();
        for (var i = 0; i < 12; i++)
        {
            var name = $"img{i}";
            var tags = (i % 4) switch { 0 => new[] { $"gcc15-clang20-sha-{i:0000000}" }, 1 => [$"pr-{i}"], 2 => [], _ => [$"v1.{i}.0-gcc14-clang20"] };
            builder.Index(name, i * 20, tags);
            if (i % 3 == 0) builder.Signed(name);
            if (i % 5 == 0) builder.Referrer(name + "-ref", name + "/amd64", "application/vnd.in-toto+json");
        }
        var versions = builder.Build();

        var plan = PolicyFixtures.Plan(versions);

        Assert.Equal(versions.Select(v => v.Digest).Order(), plan.DeletedDigests.Concat(plan.KeptDigests).Order());
        var deleted = plan.DeletedDigests.ToHashSet();
        foreach (var kept in plan.Kept.Select(k => k.Version))
        {
            Assert.DoesNotContain(kept.Children, deleted.Contains);
            Assert.False(kept.Subject is { } s && deleted.Contains(s), $"{kept} is attached to a deleted image");
            Assert.False(kept.Tags.Select(CosignTags.SubjectOf).Any(s => s is not null && deleted.Contains(s)), $"{kept} signs a deleted image");
        }
        Assert.NotEmpty(plan.Deletions);
    }
}
