using Xunit;
using static Pipeline.Rules.PublishPhaseKind;

namespace BuildTests.Publish;

public class PublishPhasesTests
{
    static IReadOnlyList<PublishStep> PlanFor(string id, char digest, RegistryState? state = null)
    {
        var entry = ManifestSamples.Entry(id, ManifestSamples.Digest(digest));
        var tags = TagPolicy.OfManifestEntry(entry, new string('c', 40));
        return PublishPlan.ForPermutation(entry, tags, state ?? ManifestSamples.State(false, false, false, false, new Dictionary<string, string?>(), entry));
    }

    [Fact]
    public void Four_fresh_permutations_are_pushed_signed_attested_and_verified_before_any_tag_and_immutable_tags_first()
    {
        var ids = ManifestSamples.KnownIds;
        var phases = PublishPhases.Of(ids.SelectMany((id, i) => PlanFor(id, (char)('a' + i))));

        Assert.Equal([Push, Sign, Attest, Verify, ImmutableTags, MutableTags], phases.Select(p => p.Kind));
        Assert.All(phases, p => Assert.Equal(ids.Order(), p.Steps.Select(s => s.PermutationId).Distinct().Order()));
        Assert.Equal(12, phases.Single(p => p.Kind == Attest).Steps.Count); // provenance of each, and each one's two platform SBOMs
        Assert.All(phases.Single(p => p.Kind == ImmutableTags).Steps, s => Assert.False(s.Tag!.IsMutable));
        Assert.All(phases.Single(p => p.Kind == MutableTags).Steps, s => Assert.True(s.Tag!.IsMutable));
    }

    [Fact]
    public void Sign_and_verify_name_every_image_once_so_one_cosign_call_covers_them()
    {
        var phases = PublishPhases.Of([.. PlanFor("gcc14-clang20", 'a'), .. PlanFor("gcc15-clang20", 'b')]);
        var expected = new[] { "a", "b" }.Select(c => $"127.0.0.1:5000/team/devcontainer@{ManifestSamples.Digest(c[0])}");
        Assert.Equal(expected, phases.Single(p => p.Kind == Sign).Targets);
        Assert.Equal(expected, phases.Single(p => p.Kind == Verify).Targets);
    }

    [Fact]
    public void A_rerun_after_a_complete_publish_has_only_the_verify_phase()
    {
        var entry = ManifestSamples.Entry("gcc14-clang20", ManifestSamples.Digest('a'));
        var tags = TagPolicy.OfManifestEntry(entry, new string('c', 40));
        var done = ManifestSamples.State(true, true, true, true, tags.ToDictionary(t => t.Reference, _ => (string?)entry.Digest), entry);
        Assert.Equal([Verify], PublishPhases.Of(PublishPlan.ForPermutation(entry, tags, done)).Select(p => p.Kind));
    }

    [Fact]
    public void One_permutation_resuming_after_its_push_skips_the_push_phase_while_another_is_pushed()
    {
        var resumed = ManifestSamples.State(true, false, false, false, new Dictionary<string, string?>(), ManifestSamples.Entry("gcc14-clang20", ManifestSamples.Digest('a')));
        var phases = PublishPhases.Of([.. PlanFor("gcc14-clang20", 'a', resumed), .. PlanFor("gcc15-clang20", 'b')]);
        Assert.Equal(["gcc15-clang20"], phases.Single(p => p.Kind == Push).Steps.Select(s => s.PermutationId));
        Assert.Equal(2, phases.Single(p => p.Kind == Sign).Targets.Count);
    }

    [Fact]
    public void Each_image_attests_in_its_own_lane_the_index_its_provenance_each_platform_manifest_its_sbom()
    {
        var attest = PublishPhases.Of([.. PlanFor("gcc14-clang20", 'a'), .. PlanFor("gcc15-clang20", 'b')]).Single(p => p.Kind == Attest);
        // Two permutations: each index's provenance lane and its two platform manifests' SBOM lanes; no image is in two lanes.
        Assert.Equal(6, attest.Lanes.Count);
        Assert.All(attest.Lanes, lane => Assert.Single(lane.Select(s => s.Target).Distinct()));
        Assert.Equal(attest.Lanes.Count, attest.Lanes.Select(lane => lane[0].Target).Distinct().Count());
        Assert.Equal(2, attest.Lanes.Count(lane => lane.Single().Kind == PublishStepKind.AttestProvenance));
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(8, 8)]
    public void Concurrency_follows_the_cores_but_always_overlaps_two_waits(int cores, int expected) =>
        Assert.Equal(expected, PublishPhases.Concurrency(cores));
}
