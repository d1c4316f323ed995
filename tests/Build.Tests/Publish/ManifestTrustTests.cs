using Xunit;

namespace BuildTests.Publish;

/// <summary>Issue 13, cases 2 and 7: a manifest's tag flags and placement are checked against the tag policy, and its scope against the flags.</summary>
public class ManifestTrustTests
{
    const string Repo = "127.0.0.1:5000/team/devcontainer";
    const string Id = "gcc15-clang20";
    static readonly string Sha = new('c', 40);

    static ManifestPermutation With(params ManifestTag[] tags) => ManifestSamples.Entry(Id, tags: tags);

    [Fact]
    public void Mutability_comes_from_the_tag_form()
    {
        var tags = TagPolicy.OfManifestEntry(With(
            new($"{Repo}:{Id}", true), new($"{Repo}:{Sha}-{Id}", false),
            new($"{Repo}:v1.2.3-{Id}", false), new($"{Repo}:v1.2-{Id}", true), new($"{Repo}:v1-{Id}", true), new($"{Repo}:v2.0.0-rc.1-{Id}", false)), Sha);
        Assert.Equal([true, false, false, true, true, false], tags.Select(t => t.IsMutable));
    }

    [Fact]
    public void An_immutable_tag_marked_mutable_is_refused_before_anything_moves()
    {
        var error = Assert.Throws<InvalidManifestException>(() => TagPolicy.OfManifestEntry(With(new ManifestTag($"{Repo}:{Sha}-{Id}", true)), Sha));
        Assert.Equal($"Manifest tag {Repo}:{Sha}-{Id} of {Id} is marked mutable, but the tag policy makes it immutable; " +
                     "a manifest names only the tags the tag policy gives, regenerate it with the Manifest target.", error.Message);
        Assert.Contains("is marked immutable, but the tag policy makes it mutable",
            Assert.Throws<InvalidManifestException>(() => TagPolicy.OfManifestEntry(With(new ManifestTag($"{Repo}:{Id}", false)), Sha)).Message);
    }

    [Theory]
    [InlineData("127.0.0.1:5000/team/devcontainer-evil/other:latest", "is outside the entry's image repository 127.0.0.1:5000/team/devcontainer")]
    [InlineData("127.0.0.1:5000/team/other:gcc15-clang20", "is outside the entry's image repository")]
    [InlineData("127.0.0.1:5000/team/devcontainer:latest", "has a form the tag policy never gives")]
    [InlineData("127.0.0.1:5000/team/devcontainer:gcc14-clang20", "has a form the tag policy never gives")]
    [InlineData("127.0.0.1:5000/team/devcontainer@sha256:1111111111111111111111111111111111111111111111111111111111111111", "is not a repository:tag reference")]
    [InlineData("127.0.0.1:5000/team/devcontainer", "is not a repository:tag reference")]
    public void A_tag_outside_the_repository_or_the_policy_is_refused(string reference, string why) =>
        Assert.Contains(why, Assert.Throws<InvalidManifestException>(() => TagPolicy.OfManifestEntry(With(new ManifestTag(reference, true)), Sha)).Message);

    [Fact]
    public void A_sha_tag_of_another_commit_is_refused()
    {
        var other = new string('d', 40);
        Assert.Contains($"names commit {other}, but the manifest is of commit {Sha}",
            Assert.Throws<InvalidManifestException>(() => TagPolicy.OfManifestEntry(With(new ManifestTag($"{Repo}:{other}-{Id}", false)), Sha)).Message);
    }

    static readonly ReleaseManifest Two = ManifestSamples.Manifest(ManifestSamples.Entry("gcc14-clang20"), ManifestSamples.Entry(Id));

    [Fact]
    public void Flags_not_given_leave_the_manifest_in_charge()
    {
        var selection = ManifestScope.Select(Two, "m.json", null, null);
        Assert.Equal(["gcc14-clang20", Id], selection.Permutations.Select(p => p.Id));
        Assert.Empty(selection.Notes);
        Assert.Equal(2, ManifestScope.Select(Two, "m.json", Repo, []).Permutations.Count);
    }

    [Fact]
    public void A_registry_other_than_the_manifests_is_refused()
    {
        var error = Assert.Throws<InvalidManifestException>(() => ManifestScope.Select(Two, "m.json", "127.0.0.1:5000/elsewhere/devcontainer", null));
        Assert.Equal("--registry gives repository 127.0.0.1:5000/elsewhere/devcontainer, but manifest m.json publishes gcc14-clang20 to 127.0.0.1:5000/team/devcontainer; " +
                     "drop --registry (the manifest decides) or pass the registry the manifest was built for.", error.Message);
    }

    [Theory]
    [InlineData("--image-name")]
    [InlineData("--registry/--image-name")]
    public void A_refusal_names_the_flag_that_gave_the_repository(string flags)
    {
        var error = Assert.Throws<InvalidManifestException>(() => ManifestScope.Select(Two, "m.json", "127.0.0.1:5000/team/other", null, flags));
        Assert.Equal($"{flags} gives repository 127.0.0.1:5000/team/other, but manifest m.json publishes gcc14-clang20 to 127.0.0.1:5000/team/devcontainer; " +
                     $"drop {flags} (the manifest decides) or pass the repository the manifest was built for.", error.Message);
    }

    [Fact]
    public void Permutations_narrow_the_run_to_the_intersection_with_a_note_and_unknown_ones_are_refused()
    {
        var selection = ManifestScope.Select(Two, "m.json", null, ["gcc14-clang20"]);
        Assert.Equal(["gcc14-clang20"], selection.Permutations.Select(p => p.Id));
        Assert.Equal([$"Acting on gcc14-clang20 only (--permutations); manifest m.json also lists {Id}, left untouched."], selection.Notes);
        var error = Assert.Throws<InvalidManifestException>(() => ManifestScope.Select(Two, "m.json", null, ["gcc14-clang20", "gcc14-clangp2996"]));
        Assert.Equal($"--permutations names gcc14-clangp2996, which manifest m.json does not list (it has gcc14-clang20, {Id}); drop it from --permutations or use a manifest that has it.", error.Message);
    }
}
