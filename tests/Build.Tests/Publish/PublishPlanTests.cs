using Xunit;
using static PublishStepKind;

namespace Build.Tests.Publish;

public class PublishPlanTests
{
    static readonly ManifestPermutation Entry = ManifestSamples.Entry();
    static readonly string Mutable = Entry.Tags[0].Reference;
    static readonly string Immutable = Entry.Tags[1].Reference;

    static Dictionary<string, string?> Tags(string? mutable, string? immutable) => new() { [Mutable] = mutable, [Immutable] = immutable };

    [Fact]
    public void A_fresh_registry_gets_push_sign_attest_verify_then_tags()
    {
        var steps = PublishPlan.ForPermutation(Entry, new RegistryState(false, false, false, false, Tags(null, null)));
        Assert.Equal([Push, Sign, AttestProvenance, AttestSbom, Verify, Tag, Tag], steps.Select(s => s.Kind));
        Assert.Equal(Entry.DigestReference, steps[0].Target);
        Assert.Equal([Mutable, Immutable], steps.Where(s => s.Kind == Tag).Select(s => s.Target));
    }

    [Fact]
    public void A_finished_publish_only_verifies_so_a_rerun_changes_nothing()
    {
        var steps = PublishPlan.ForPermutation(Entry, new RegistryState(true, true, true, true, Tags(Entry.Digest, Entry.Digest)));
        Assert.Equal([Verify], steps.Select(s => s.Kind));
    }

    [Fact]
    public void A_publish_killed_after_its_push_resumes_with_signing()
    {
        var steps = PublishPlan.ForPermutation(Entry, new RegistryState(true, false, false, false, Tags(null, null)));
        Assert.Equal([Sign, AttestProvenance, AttestSbom, Verify, Tag, Tag], steps.Select(s => s.Kind));
        var halfAttested = PublishPlan.ForPermutation(Entry, new RegistryState(true, true, true, false, Tags(null, null)));
        Assert.Equal([AttestSbom, Verify, Tag, Tag], halfAttested.Select(s => s.Kind));
    }

    [Fact]
    public void Signatures_found_without_the_index_are_ignored_the_index_is_pushed_and_signed()
    {
        var steps = PublishPlan.ForPermutation(Entry, new RegistryState(false, true, true, true, Tags(null, null)));
        Assert.Equal([Push, Sign, AttestProvenance, AttestSbom, Verify, Tag, Tag], steps.Select(s => s.Kind));
    }

    [Fact]
    public void A_mutable_tag_elsewhere_moves_but_an_immutable_one_is_refused()
    {
        var other = ManifestSamples.Digest('9');
        var moved = PublishPlan.ForPermutation(Entry, new RegistryState(true, true, true, true, Tags(other, Entry.Digest)));
        Assert.Equal([Verify, Tag], moved.Select(s => s.Kind));
        Assert.Equal(Mutable, moved[1].Target);
        var error = Assert.Throws<ImmutableTagException>(() =>
            PublishPlan.ForPermutation(Entry, new RegistryState(true, true, true, true, Tags(Entry.Digest, other))).ToList());
        Assert.Contains($"Refusing to move immutable tag {Immutable} from {other}", error.Message);
    }

    [Fact]
    public void Rollback_moves_only_mutable_tags_and_never_touches_immutable_ones()
    {
        var other = ManifestSamples.Digest('9');
        var steps = PublishPlan.ForRollback(Entry, Tags(other, other));
        Assert.Equal([Verify, Tag], steps.Select(s => s.Kind));
        Assert.Equal(Mutable, steps[1].Target);
        Assert.Equal([Verify], PublishPlan.ForRollback(Entry, Tags(Entry.Digest, null)).Select(s => s.Kind));
    }
}

public class RegistryHostTests
{
    [Theory]
    [InlineData("127.0.0.1:5000/team/devcontainer", true)]
    [InlineData("localhost:5000/devcontainer", true)]
    [InlineData("[::1]:5000/devcontainer", true)]
    [InlineData("127.0.0.2/devcontainer", true)]
    [InlineData("ghcr.io/acme/devcontainer", false)]
    [InlineData("registry.internal:5000/devcontainer", false)]
    [InlineData("10.0.0.1:5000/devcontainer", false)]
    public void Only_loopback_registries_use_plain_http(string repository, bool loopback) => Assert.Equal(loopback, RegistryHost.IsLoopback(repository));
}
