using Xunit;

namespace BuildTests.Publish;

public class LastKnownGoodTests
{
    static ReleaseManifest Published(char sha) => ManifestSamples.Manifest() with { Sha = new string(sha, 40) };

    [Fact]
    public void Without_a_pin_a_publish_moves_the_mutable_tags_and_becomes_the_pin()
    {
        var publishing = Published('c');
        var decision = LastKnownGood.Decide(null, publishing);
        Assert.True(decision.MoveMutableTags);
        Assert.Equal(PinnedBy.Publish, decision.NewPin!.PinnedBy);
        Assert.Same(publishing, decision.NewPin.Manifest);
    }

    [Fact]
    public void After_a_publish_the_next_publish_moves_the_pin_forward()
    {
        var publishing = Published('c');
        var decision = LastKnownGood.Decide(new LastKnownGoodPin(PinnedBy.Publish, Published('a')), publishing);
        Assert.True(decision.MoveMutableTags);
        Assert.Same(publishing, decision.NewPin!.Manifest);
        Assert.Contains($"moves from {new string('a', 40)} to {new string('c', 40)}", decision.Note);
    }

    [Fact]
    public void After_a_rollback_a_publish_moves_no_mutable_tag_keeps_the_pin_and_says_how_to_release_it()
    {
        var decision = LastKnownGood.Decide(new LastKnownGoodPin(PinnedBy.Rollback, Published('a')), Published('c'));
        Assert.False(decision.MoveMutableTags);
        Assert.Null(decision.NewPin);
        Assert.Contains($"held by the rollback to {new string('a', 40)}", decision.Note);
        Assert.Contains("move the pin", decision.Note);
        Assert.DoesNotContain("\n", decision.Note);
    }

    [Fact]
    public void A_pin_round_trips_and_a_plain_manifest_reads_as_pinned_by_a_publish()
    {
        var pin = new LastKnownGoodPin(PinnedBy.Rollback, Published('a'));
        var json = LastKnownGood.Serialize(pin, ManifestSamples.KnownIds);
        Assert.Contains("\n  \"sha\": \"" + new string('a', 40) + "\"", json); // the line the workflow's pin step reads
        var read = LastKnownGood.Parse(json, "lkg.json", ManifestSamples.KnownIds);
        Assert.Equal(PinnedBy.Rollback, read.PinnedBy);
        Assert.Equal(ManifestStore.Serialize(pin.Manifest, ManifestSamples.KnownIds), ManifestStore.Serialize(read.Manifest, ManifestSamples.KnownIds));
        var plain = LastKnownGood.Parse(ManifestStore.Serialize(Published('b'), ManifestSamples.KnownIds), "manifest.json", ManifestSamples.KnownIds);
        Assert.Equal(PinnedBy.Publish, plain.PinnedBy);
    }

    [Fact]
    public void A_pin_with_an_unknown_author_or_an_invalid_manifest_is_refused_in_one_line()
    {
        var json = LastKnownGood.Serialize(new LastKnownGoodPin(PinnedBy.Publish, Published('a')), ManifestSamples.KnownIds);
        Assert.Contains("pinnedBy 'someone'", Assert.Throws<InvalidManifestException>(() =>
            LastKnownGood.Parse(json.Replace("\"publish\"", "\"someone\""), "lkg.json", ManifestSamples.KnownIds)).Message);
        Assert.Contains("fails schema", Assert.Throws<InvalidManifestException>(() =>
            LastKnownGood.Parse(json.Replace("\"schemaVersion\": 1,\n  \"pinnedBy\"", "\"pinnedBy\"").Replace("\"digest\": \"sha256:1", "\"digest\": \"x"), "lkg.json", ManifestSamples.KnownIds)).Message);
    }
}
