using Xunit;

namespace BuildTests.Publish;

public class LastKnownGoodTests
{
    const string Pin = "artifacts/lkg.json";

    static ReleaseManifest Published(char sha) => ManifestSamples.Manifest() with { Sha = new string(sha, 40) };

    [Fact]
    public void Without_a_pin_a_publish_moves_the_mutable_tags_and_becomes_the_pin()
    {
        var publishing = Published('c');
        var decision = LastKnownGood.Decide(null, publishing, Pin);
        Assert.True(decision.MoveMutableTags);
        Assert.Equal(PinnedBy.Publish, decision.NewPin!.PinnedBy);
        Assert.Same(publishing, decision.NewPin.Manifest);
    }

    [Fact]
    public void Without_a_pin_a_publish_that_would_move_a_mutable_tag_off_another_image_warns_naming_where_it_looked_and_the_flag()
    {
        var publishing = Published('c');
        var decision = LastKnownGood.Decide(null, publishing, Pin);
        Assert.Contains($"No last-known-good pin yet ({Pin} does not exist; a pin kept elsewhere is passed with --last-known-good <lkg.json>)", decision.Note);
        var mutable = new ImageTag("127.0.0.1:5000/team/devcontainer:gcc15-clang20", true);
        var immutable = new ImageTag($"127.0.0.1:5000/team/devcontainer:{new string('c', 40)}-gcc15-clang20", false);
        var (elsewhere, here) = (ManifestSamples.Digest('9'), ManifestSamples.Digest('1'));
        var warning = LastKnownGood.UnpinnedOverwrite(decision, Pin, [new TagChange(immutable, null, here), new TagChange(mutable, elsewhere, here)]);
        Assert.Equal($"No last-known-good pin was read ({Pin} does not exist), and this publish moves 1 mutable tag(s) that point at another image now "
            + $"({mutable.Reference}  {elsewhere} → {here}): if a Rollback put them there from another artifacts folder, clone or machine, this undoes it. "
            + "To keep a rollback, pass its pin with --last-known-good <lkg.json> (CI keeps it as the lkg tag or DEVCONTAINER_LKG; README, Rollback).", warning);

        // Nothing to overwrite: a first publish (no tag yet), the same image again, or only immutable tags moving.
        Assert.Null(LastKnownGood.UnpinnedOverwrite(decision, Pin, [new TagChange(mutable, null, here), new TagChange(immutable, elsewhere, here)]));
        Assert.Null(LastKnownGood.UnpinnedOverwrite(decision, Pin, [new TagChange(mutable, here, here)]));
        // A pin was read: it decides (held, or moved from a publish), no warning.
        var pinned = LastKnownGood.Decide(new LastKnownGoodPin(PinnedBy.Publish, Published('a')), publishing, Pin);
        Assert.Null(LastKnownGood.UnpinnedOverwrite(pinned, Pin, [new TagChange(mutable, elsewhere, here)]));
        var held = LastKnownGood.Decide(new LastKnownGoodPin(PinnedBy.Rollback, Published('a')), publishing, Pin);
        Assert.Null(LastKnownGood.UnpinnedOverwrite(held, Pin, [new TagChange(mutable, elsewhere, here)]));
    }

    [Fact]
    public void After_a_publish_the_next_publish_moves_the_pin_forward()
    {
        var publishing = Published('c');
        var decision = LastKnownGood.Decide(new LastKnownGoodPin(PinnedBy.Publish, Published('a')), publishing, Pin);
        Assert.True(decision.MoveMutableTags);
        Assert.Same(publishing, decision.NewPin!.Manifest);
        Assert.Contains($"moves from {new string('a', 40)} to {new string('c', 40)}", decision.Note);
    }

    [Fact]
    public void A_publish_of_the_pinned_commit_again_says_the_pin_is_unchanged()
    {
        var decision = LastKnownGood.Decide(new LastKnownGoodPin(PinnedBy.Publish, Published('c')), Published('c'), Pin);
        Assert.True(decision.MoveMutableTags);
        Assert.Equal($"The last-known-good pin {Pin} is unchanged: it is already {new string('c', 40)}, which this publish verifies again.", decision.Note);
        Assert.DoesNotContain("moves from", decision.Note);
    }

    [Fact]
    public void After_a_rollback_a_publish_moves_no_mutable_tag_keeps_the_pin_and_says_how_to_release_it()
    {
        var decision = LastKnownGood.Decide(new LastKnownGoodPin(PinnedBy.Rollback, Published('a')), Published('c'), Pin);
        Assert.False(decision.MoveMutableTags);
        Assert.Null(decision.NewPin);
        Assert.True(decision.Warn);
        Assert.Contains($"held by the rollback to {new string('a', 40)} (refs/heads/main) recorded in the last-known-good pin {Pin}", decision.Note);
        // The local fix and CI's, each named.
        Assert.Contains("run Publish again with --release-rollback", decision.Note);
        Assert.Contains("delete the `lkg` tag or the DEVCONTAINER_LKG variable", decision.Note);
        Assert.DoesNotContain("\n", decision.Note);
        // The summary table's row says so too (it would otherwise read as a publish with nothing to do).
        Assert.Equal($"mutable tags held by the rollback to {new string('a', 12)}", decision.SummaryNote);
        Assert.Null(LastKnownGood.Decide(null, Published('c'), Pin).SummaryNote);
    }

    [Fact]
    public void Release_rollback_moves_the_tags_forward_and_the_pin_records_the_publish()
    {
        var publishing = Published('c');
        var decision = LastKnownGood.Decide(new LastKnownGoodPin(PinnedBy.Rollback, Published('a')), publishing, Pin, releaseRollback: true);
        Assert.True(decision.MoveMutableTags);
        Assert.Equal(PinnedBy.Publish, decision.NewPin!.PinnedBy);
        Assert.Same(publishing, decision.NewPin.Manifest);
        Assert.Contains($"--release-rollback: the rollback to {new string('a', 40)} recorded in {Pin} is released", decision.Note);
    }

    [Fact]
    public void A_manifest_without_tags_moves_none_writes_no_pin_and_says_why_in_one_line()
    {
        var untagged = Published('c') with { Ref = "refs/heads/feature", Event = "local", Permutations = [ManifestSamples.Entry(tags: [])] };
        var decision = LastKnownGood.Decide(new LastKnownGoodPin(PinnedBy.Rollback, Published('a')), untagged, Pin);
        Assert.False(decision.MoveMutableTags);
        Assert.Null(decision.NewPin);
        Assert.True(decision.Warn);
        Assert.Equal($"No tag moves: the manifest of {new string('c', 40)} (refs/heads/feature, local) has no tags (only builds of the default branch or a release tag are tagged), " +
                     $"so the images are pushed, signed and attested by digest only; the last-known-good pin {Pin} stays at {new string('a', 40)}.", decision.Note);

        var dirty = LastKnownGood.Decide(null, untagged with { Dirty = true }, Pin);
        Assert.Null(dirty.NewPin);
        Assert.Equal($"No tag moves: {new string('c', 40)} was built from uncommitted changes (--allow-dirty) and a tag names a commit, so the images are pushed, " +
                     "signed and attested by digest only; no last-known-good pin is written.", dirty.Note);
    }

    [Fact]
    public void A_prerelease_writes_its_immutable_tags_but_moves_no_pin()
    {
        var id = "gcc15-clang20";
        var prerelease = Published('c') with { Ref = "refs/tags/v2.0.0-rc.1", Permutations = [ManifestSamples.Entry(tags: [new ManifestTag($"127.0.0.1:5000/team/devcontainer:v2.0.0-rc.1-{id}", false)])] };
        var decision = LastKnownGood.Decide(new LastKnownGoodPin(PinnedBy.Publish, Published('a')), prerelease, Pin);
        Assert.Null(decision.NewPin);
        Assert.Contains("has only immutable tags", decision.Note);
        Assert.Contains($"the last-known-good pin {Pin} stays at {new string('a', 40)}", decision.Note);
    }

    [Fact]
    public void A_rollback_manifest_that_is_not_there_is_named_with_where_to_get_one()
    {
        var line = LastKnownGood.MissingRollbackManifest("nothere.json", "/repo/nothere.json");
        Assert.StartsWith("Rollback --manifest nothere.json: /repo/nothere.json does not exist; pass the manifest of the release to roll back to", line);
        Assert.Contains("gh run download <run-id> -n published-manifest", line);
        Assert.Contains("artifacts/lkg.json", line);
        Assert.DoesNotContain("Manifest target", line); // a fresh build is not what a rollback needs
    }

    [Fact]
    public void Rollback_to_a_manifest_without_mutable_tags_is_refused_naming_the_fix()
    {
        Assert.Null(LastKnownGood.RollbackProblem(Published('a'), "good.json"));
        var problem = LastKnownGood.RollbackProblem(Published('a') with { Permutations = [ManifestSamples.Entry(tags: [])] }, "local.json");
        Assert.StartsWith($"Rollback refused: local.json ({new string('a', 40)}, refs/heads/main) has no mutable tags to move back", problem);
        Assert.Contains("pass the manifest of a published default-branch or release build", problem);
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
