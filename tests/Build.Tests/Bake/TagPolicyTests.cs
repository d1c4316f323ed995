using Xunit;

namespace BuildTests.Bake;

public class TagPolicyTests
{
    const string Repo = "registry.example.com/acme/devcontainers/devcontainer";
    const string Id = "gcc15-clangp2996";

    static IReadOnlyList<string> Render(IEnumerable<ImageTag> tags) => tags.Select(t => t.ToString()).ToList();

    [Fact]
    public void Default_branch_gets_a_mutable_id_tag_and_an_immutable_full_sha_tag()
    {
        Assert.Equal(
            [$"{Repo}:{Id} (mutable)", $"{Repo}:{Contexts.Sha}-{Id} (immutable)"],
            Render(TagPolicy.TagsFor(Contexts.Main, Repo, Id)));
    }

    [Fact]
    public void A_new_image_of_a_published_commit_gets_only_the_mutable_tag_since_its_sha_tag_names_the_commits_earlier_image()
    {
        Assert.Equal([$"{Repo}:{Id} (mutable)"], Render(TagPolicy.TagsFor(Contexts.Main, Repo, Id, refreshesPublishedCommit: true)));
        Assert.Equal(Render(TagPolicy.TagsFor(Contexts.Main, Repo, Id)), Render(TagPolicy.TagsFor(Contexts.Main, Repo, Id, refreshesPublishedCommit: false)));
        Assert.Equal(Render(TagPolicy.TagsFor(Contexts.Release("v1.2.3"), Repo, Id)), Render(TagPolicy.TagsFor(Contexts.Release("v1.2.3"), Repo, Id, true)));
    }

    [Fact]
    public void Release_gets_immutable_full_version_and_mutable_minor_and_major()
    {
        Assert.Equal(
            [$"{Repo}:v1.2.3-{Id} (immutable)", $"{Repo}:v1.2-{Id} (mutable)", $"{Repo}:v1-{Id} (mutable)"],
            Render(TagPolicy.TagsFor(Contexts.Release("v1.2.3"), Repo, Id)));
    }

    [Theory]
    [InlineData("ghcr.io/Acme-Org", "devcontainer", "ghcr.io/acme-org/devcontainer")]
    [InlineData("127.0.0.1:5000/team/", "DevContainer", "127.0.0.1:5000/team/devcontainer")]
    public void Repository_is_lowercased_because_owners_keep_their_capitals(string registry, string image, string expected)
    {
        var repository = TagPolicy.Repository(registry, image);
        Assert.Equal(expected, repository);
        Assert.NotEmpty(TagPolicy.TagsFor(Contexts.Main, repository, Id));
    }

    [Fact]
    public void Release_below_one_gets_no_major_tag()
    {
        Assert.Equal([$"{Repo}:v0.4.1-{Id} (immutable)", $"{Repo}:v0.4-{Id} (mutable)"], Render(TagPolicy.TagsFor(Contexts.Release("v0.4.1"), Repo, Id)));
    }

    [Fact]
    public void Prerelease_gets_only_its_full_tag()
    {
        Assert.Equal([$"{Repo}:v2.0.0-rc.1-{Id} (immutable)"], Render(TagPolicy.TagsFor(Contexts.Release("v2.0.0-rc.1"), Repo, Id)));
    }

    [Fact]
    public void Build_metadata_plus_becomes_a_dash_because_tags_cannot_hold_plus()
    {
        Assert.Equal($"{Repo}:v1.2.3-build.7-{Id}", TagPolicy.TagsFor(Contexts.Release("v1.2.3+build.7"), Repo, Id)[0].Reference);
    }

    [Fact]
    public void Pull_requests_push_no_tags_even_from_the_same_repository()
    {
        Assert.Empty(TagPolicy.TagsFor(Contexts.PullRequest(42), Repo, Id));
        Assert.Empty(TagPolicy.TagsFor(Contexts.PullRequest(42, fork: true), Repo, Id));
    }

    [Fact]
    public void Local_builds_push_no_tags() => Assert.Empty(TagPolicy.TagsFor(Contexts.Local, Repo, Id));

    [Fact]
    public void Release_mode_without_a_semver_version_is_refused()
    {
        var bad = Contexts.Release("v1.2");
        Assert.Contains("vX.Y.Z", Assert.Throws<ArgumentException>(() => TagPolicy.TagsFor(bad, Repo, Id)).Message);
    }

    [Theory]
    [InlineData("registry.example.com/Acme/devcontainer")]
    [InlineData("127.0.0.1:5000/team/")]
    [InlineData("")]
    public void Invalid_repository_is_refused_with_the_fix(string repository)
    {
        Assert.Contains("--registry", Assert.Throws<ArgumentException>(() => TagPolicy.TagsFor(Contexts.Main, repository, Id)).Message);
    }

    [Fact]
    public void Loopback_registry_with_port_is_a_valid_repository()
    {
        Assert.Equal("127.0.0.1:5000/t-1/devcontainer:" + Id, TagPolicy.TagsFor(Contexts.Main, "127.0.0.1:5000/t-1/devcontainer", Id)[0].Reference);
    }

    [Theory]
    [InlineData(Contexts.Sha + "-" + Id, true)]
    [InlineData("v1.2.3-" + Id, true)]
    [InlineData("v1.2.3-rc.1-" + Id, true)]
    [InlineData("v1.2.3-build.7-" + Id, true)]
    [InlineData("v1.2-" + Id, false)]
    [InlineData("v1-" + Id, false)]
    [InlineData(Id, false)]
    [InlineData("0123456-" + Id, false)]
    [InlineData(Contexts.Sha + "-gcc14-clang20", false)]
    public void Immutability_is_decided_from_the_tag_text(string tag, bool immutable) =>
        Assert.Equal(immutable, TagPolicy.IsImmutable(tag, Id));

    [Fact]
    public void Every_tag_the_policy_marks_immutable_is_recognised_as_immutable_from_its_text()
    {
        foreach (var context in new[] { Contexts.Main, Contexts.Release("v1.2.3"), Contexts.Release("v0.1.0-beta"), Contexts.Release("v3.0.0+b1") })
        foreach (var tag in TagPolicy.TagsFor(context, Repo, Id))
            Assert.Equal(!tag.IsMutable, TagPolicy.IsImmutable(tag.Tag, Id));
    }

    [Fact]
    public void A_missing_tag_is_created_and_an_identical_one_is_left_alone()
    {
        var tag = new ImageTag($"{Repo}:v1.2.3-{Id}", IsMutable: false);
        Assert.Equal(TagMove.Create, TagPolicy.CheckMove(tag, null, "sha256:aa"));
        Assert.Equal(TagMove.Unchanged, TagPolicy.CheckMove(tag, "sha256:aa", "sha256:aa"));
    }

    [Fact]
    public void A_mutable_tag_moves_to_a_new_digest()
    {
        Assert.Equal(TagMove.Move, TagPolicy.CheckMove(new ImageTag($"{Repo}:{Id}", true), "sha256:old", "sha256:new"));
    }

    [Fact]
    public void An_existing_release_tag_is_never_overwritten()
    {
        var release = TagPolicy.TagsFor(Contexts.Release("v1.2.3"), Repo, Id).Single(t => !t.IsMutable);
        var error = Assert.Throws<ImmutableTagException>(() => TagPolicy.CheckMove(release, "sha256:old", "sha256:new"));
        Assert.Contains($"{Repo}:v1.2.3-{Id}", error.Message);
        Assert.Contains("sha256:old", error.Message);
    }

    [Fact]
    public void An_existing_sha_tag_is_never_overwritten()
    {
        var shaTag = TagPolicy.TagsFor(Contexts.Main, Repo, Id).Single(t => !t.IsMutable);
        Assert.Throws<ImmutableTagException>(() => TagPolicy.CheckMove(shaTag, "sha256:old", "sha256:new"));
    }
}
