using Xunit;
using static Pipeline.Rules.PublishStepKind;

namespace BuildTests.Publish;

public class PublishPlanTests
{
    static readonly ManifestPermutation Entry = ManifestSamples.Entry();
    static readonly string Mutable = Entry.Tags[0].Reference;
    static readonly string Immutable = Entry.Tags[1].Reference;

    static readonly IReadOnlyList<ImageTag> EntryTags = TagPolicy.OfManifestEntry(Entry, new string('c', 40));

    static Dictionary<string, string?> Tags(string? mutable, string? immutable) => new() { [Mutable] = mutable, [Immutable] = immutable };

    [Fact]
    public void A_fresh_registry_gets_push_sign_attest_verify_then_tags_immutable_first()
    {
        var steps = PublishPlan.ForPermutation(Entry, EntryTags, ManifestSamples.State(false, false, false, false, Tags(null, null)));
        Assert.Equal([Push, Sign, AttestProvenance, AttestSbom, AttestSbom, Verify, Tag, Tag], steps.Select(s => s.Kind));
        Assert.Equal(Entry.DigestReference, steps[0].Target);
        // Each platform's SBOM is attested on that platform's own manifest, not on the index.
        Assert.Equal(Entry.Platforms.Select(p => $"{Entry.Repository}@{p.Digest}"), steps.Where(s => s.Kind == AttestSbom).Select(s => s.Target));
        Assert.Equal([Immutable, Mutable], steps.Where(s => s.Kind == Tag).Select(s => s.Target));
        Assert.Equal([false, true], steps.Where(s => s.Kind == Tag).Select(s => s.Tag!.IsMutable));
    }

    [Fact]
    public void A_finished_publish_only_verifies_so_a_rerun_changes_nothing()
    {
        var steps = PublishPlan.ForPermutation(Entry, EntryTags, ManifestSamples.State(true, true, true, true, Tags(Entry.Digest, Entry.Digest)));
        Assert.Equal([Verify], steps.Select(s => s.Kind));
    }

    [Fact]
    public void A_publish_killed_after_its_push_resumes_with_signing()
    {
        var steps = PublishPlan.ForPermutation(Entry, EntryTags, ManifestSamples.State(true, false, false, false, Tags(null, null)));
        Assert.Equal([Sign, AttestProvenance, AttestSbom, AttestSbom, Verify, Tag, Tag], steps.Select(s => s.Kind));
        var halfAttested = PublishPlan.ForPermutation(Entry, EntryTags, ManifestSamples.State(true, true, true, false, Tags(null, null)));
        Assert.Equal([AttestSbom, AttestSbom, Verify, Tag, Tag], halfAttested.Select(s => s.Kind));
        // Killed between the two platforms' SBOMs: only the arm64 one is attested again.
        var oneSbom = new RegistryState(true, true, true, new Dictionary<string, bool> { [Entry.Platforms[0].Digest] = true, [Entry.Platforms[1].Digest] = false }, Tags(null, null));
        Assert.Equal([$"{Entry.Repository}@{Entry.Platforms[1].Digest}"], PublishPlan.ForPermutation(Entry, EntryTags, oneSbom).Where(s => s.Kind == AttestSbom).Select(s => s.Target));
    }

    [Fact]
    public void Signatures_found_without_the_index_are_ignored_the_index_is_pushed_and_signed()
    {
        var steps = PublishPlan.ForPermutation(Entry, EntryTags, ManifestSamples.State(false, true, true, true, Tags(null, null)));
        Assert.Equal([Push, Sign, AttestProvenance, AttestSbom, AttestSbom, Verify, Tag, Tag], steps.Select(s => s.Kind));
    }

    [Fact]
    public void A_mutable_tag_elsewhere_moves_but_an_immutable_one_is_refused()
    {
        var other = ManifestSamples.Digest('9');
        var moved = PublishPlan.ForPermutation(Entry, EntryTags, ManifestSamples.State(true, true, true, true, Tags(other, Entry.Digest)));
        Assert.Equal([Verify, Tag], moved.Select(s => s.Kind));
        Assert.Equal(Mutable, moved[1].Target);
        var error = Assert.Throws<ImmutableTagException>(() =>
            PublishPlan.ForPermutation(Entry, EntryTags, ManifestSamples.State(true, true, true, true, Tags(Entry.Digest, other))).ToList());
        Assert.Contains($"Refusing to move immutable tag {Immutable} from {other}", error.Message);
    }

    [Fact]
    public void A_tag_step_shows_the_digest_the_tag_points_at_now_and_then()
    {
        var other = ManifestSamples.Digest('9');
        var steps = PublishPlan.ForPermutation(Entry, EntryTags, ManifestSamples.State(true, true, true, true, Tags(other, null)));
        Assert.Equal($"Tag              {Entry.Id,-20} {Immutable}  (none) → {Entry.Digest}", steps[1].ToString());
        Assert.Equal($"Tag              {Entry.Id,-20} {Mutable}  {other} → {Entry.Digest}", steps[2].ToString());
        Assert.Equal($"Verify           {Entry.Id,-20} {Entry.DigestReference}", steps[0].ToString());
    }

    [Fact]
    public void Tag_changes_list_every_tag_it_acts_on_with_now_and_then_and_a_rollback_only_the_mutable_ones()
    {
        var other = ManifestSamples.Digest('9');
        var all = PublishPlan.TagChanges(Entry, EntryTags, Tags(other, Entry.Digest), mutableOnly: false);
        Assert.Equal([$"{Immutable}  {Entry.Digest} (unchanged)", $"{Mutable}  {other} → {Entry.Digest}"], all.Select(c => c.ToString()));
        Assert.Equal([false, true], all.Select(c => c.Moves));
        Assert.Equal([Mutable], PublishPlan.TagChanges(Entry, EntryTags, Tags(other, other), mutableOnly: true).Select(c => c.Tag.Reference));
    }

    [Fact]
    public void Rollback_moves_only_mutable_tags_and_never_touches_immutable_ones()
    {
        var other = ManifestSamples.Digest('9');
        var steps = PublishPlan.ForRollback(Entry, EntryTags, Tags(other, other));
        Assert.Equal([Verify, Tag], steps.Select(s => s.Kind));
        Assert.Equal(Mutable, steps[1].Target);
        Assert.Equal([Verify], PublishPlan.ForRollback(Entry, EntryTags, Tags(Entry.Digest, null)).Select(s => s.Kind));
    }

    [Fact]
    public void A_tag_written_by_another_run_in_the_meantime_fails_naming_both_digests_only_when_immutable()
    {
        var ours = Entry.Digest;
        var theirs = ManifestSamples.Digest('9');
        TagPolicy.CheckWritten(EntryTags[1], ours, ours);
        TagPolicy.CheckWritten(EntryTags[0], theirs, ours); // a mutable tag: the last writer wins, by design
        var error = Assert.Throws<ImmutableTagException>(() => TagPolicy.CheckWritten(EntryTags[1], theirs, ours));
        Assert.Equal($"Another publish won immutable tag {Immutable}: it holds {theirs}, this run wrote {ours}; two runs of the same commit built different images. " +
                     "Publishes must run one at a time (CI's concurrency group does this); find out why the images differ, and do not move the tag by hand.", error.Message);
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
