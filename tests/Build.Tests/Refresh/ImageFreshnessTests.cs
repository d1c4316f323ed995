using Xunit;

namespace BuildTests.Refresh;

public class PackageSnapshotTests
{
    [Theory]
    [InlineData("2026-08-23", "2026-08-23", 1)]
    [InlineData("2026-08-23.2", "2026-08-23", 2)]
    [InlineData("2026-08-23.17", "2026-08-23", 17)]
    public void A_snapshot_is_its_day_and_its_place_in_the_day(string text, string day, int sequence)
    {
        var snapshot = PackageSnapshot.Parse(text)!;
        Assert.Equal((DateOnly.Parse(day), sequence), (snapshot.Day, snapshot.Sequence));
        Assert.Equal(text, snapshot.ToString());
        Assert.Equal(new DateTimeOffset(DateOnly.Parse(day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), snapshot.Since);
    }

    [Theory]
    [InlineData("2026-08-23.1")] // the first of a day has no sequence
    [InlineData("2026-08-23.0")]
    [InlineData("2026-02-30")]
    [InlineData("23-08-2026")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_no_snapshot(string? text) => Assert.Null(PackageSnapshot.Parse(text));

    [Fact]
    public void The_next_snapshot_is_todays_first_or_the_next_of_the_same_day()
    {
        var published = PackageSnapshot.Parse("2026-08-20")!;
        Assert.Equal("2026-08-23", published.Next(new DateOnly(2026, 8, 23)).ToString());
        Assert.Equal("2026-08-20.2", published.Next(new DateOnly(2026, 8, 20)).ToString());
        Assert.Equal("2026-08-20.3", PackageSnapshot.Parse("2026-08-20.2")!.Next(new DateOnly(2026, 8, 20)).ToString());
        // A clock behind the published image's never gives an older or equal snapshot.
        Assert.Equal("2026-08-20.2", published.Next(new DateOnly(2026, 8, 19)).ToString());
    }

    [Fact]
    public void The_real_dockerfile_and_the_fixtures_declare_the_build_arg()
    {
        Assert.True(PackageSnapshot.DeclaredIn(File.ReadAllText(Bake.RepositoryFiles.PathOf("devcontainer/Dockerfile"))));
        Assert.True(PackageSnapshot.DeclaredIn(File.ReadAllText(Bake.RepositoryFiles.PathOf("tests/fixture/Dockerfile"))));
        Assert.False(PackageSnapshot.DeclaredIn("FROM busybox\nARG PACKAGES_SNAPSHOTS\nRUN true\n"));
    }
}

public class ImageFreshnessTests
{
    const string Id = "gcc14-clang20";
    const string Reference = "127.0.0.1:5000/team/devcontainer:gcc14-clang20";
    static readonly string Digest = "sha256:" + new string('d', 64);
    static readonly DateTimeOffset Now = new(2026, 8, 23, 3, 17, 0, TimeSpan.Zero);

    static PublishedImage Published(string? snapshot, string created = "2026-08-01T10:00:00Z", string revision = "abc")
    {
        var annotations = new Dictionary<string, string> { ["org.opencontainers.image.created"] = created, ["org.opencontainers.image.revision"] = revision };
        if (snapshot is not null) annotations[PackageSnapshot.LabelKey] = snapshot;
        return new(Reference, Digest, System.Text.Json.JsonSerializer.Serialize(new { schemaVersion = 2, manifests = Array.Empty<object>(), annotations }));
    }

    [Fact]
    public void An_image_younger_than_the_maximum_age_keeps_its_snapshot_so_an_unchanged_rebuild_is_the_same_image()
    {
        var decision = ImageFreshness.Decide(Id, Published("2026-08-20"), refreshRequested: false, maxAgeDays: 7, Now);
        Assert.Equal((SnapshotChoice.Inherited, "2026-08-20"), (decision.Choice, decision.Snapshot.ToString()));
        Assert.False(decision.RefusesReuse);
        Assert.Equal(TimeSpan.FromDays(3) + new TimeSpan(3, 17, 0), decision.PublishedAge); // since the start of the snapshot's day
        Assert.Equal("gcc14-clang20: packages snapshot 2026-08-20 (the published image's, 3.1 days old)", decision.ToString());
    }

    [Fact]
    public void An_image_older_than_the_maximum_age_gets_todays_packages_and_refuses_reuse()
    {
        var decision = ImageFreshness.Decide(Id, Published("2026-08-15"), false, 7, Now);
        Assert.Equal((SnapshotChoice.TooOld, "2026-08-23"), (decision.Choice, decision.Snapshot.ToString()));
        Assert.True(decision.RefusesReuse);
        Assert.Equal("the published image is 8.1 days old, older than the maximum age of 7 days (--max-image-age): today's packages", decision.Reason);
    }

    [Fact]
    public void A_maximum_age_of_zero_makes_every_image_too_old_and_a_second_refresh_of_the_day_gets_the_next_snapshot()
    {
        var decision = ImageFreshness.Decide(Id, Published("2026-08-23"), false, maxAgeDays: 0, Now);
        Assert.Equal((SnapshotChoice.TooOld, "2026-08-23.2"), (decision.Choice, decision.Snapshot.ToString()));
    }

    [Fact]
    public void A_refresh_fetches_new_packages_even_for_a_young_image()
    {
        var decision = ImageFreshness.Decide(Id, Published("2026-08-23"), refreshRequested: true, 7, Now);
        Assert.Equal((SnapshotChoice.Refreshed, "2026-08-23.2"), (decision.Choice, decision.Snapshot.ToString()));
        Assert.True(decision.RefusesReuse);
    }

    [Fact]
    public void A_refresh_of_an_image_without_a_snapshot_takes_the_one_after_todays_first_which_a_plain_build_of_today_uses()
    {
        // Found on the real image: a plain Bake of the day started 2026-08-23 and cached its package layer; a refresh that
        // also took 2026-08-23 hit that layer and fetched nothing.
        var plain = ImageFreshness.Decide(Id, Published(null, created: "2026-08-22T10:00:00Z"), false, 7, Now);
        var refresh = ImageFreshness.Decide(Id, Published(null, created: "2026-08-22T10:00:00Z"), refreshRequested: true, 7, Now);
        var first = ImageFreshness.Decide(Id, new PublishedImage(Reference, null, null), refreshRequested: true, 7, Now);
        Assert.Equal(("2026-08-23", "2026-08-23.2", "2026-08-23.2"), (plain.Snapshot.ToString(), refresh.Snapshot.ToString(), first.Snapshot.ToString()));
        var old = ImageFreshness.Decide(Id, Published(null, created: "2026-08-01T10:00:00Z"), false, 7, Now);
        Assert.Equal((SnapshotChoice.TooOld, "2026-08-23.2"), (old.Choice, old.Snapshot.ToString()));
    }

    [Fact]
    public void Nothing_published_or_an_image_from_before_snapshots_starts_one_without_refusing_reuse()
    {
        var none = ImageFreshness.Decide(Id, new PublishedImage(Reference, null, null), false, 7, Now);
        Assert.Equal((SnapshotChoice.Started, "2026-08-23", "nothing published yet"), (none.Choice, none.Snapshot.ToString(), none.Reason));
        Assert.False(none.RefusesReuse);
        var legacy = ImageFreshness.Decide(Id, Published(null, created: "2026-08-22T10:00:00Z"), false, 7, Now);
        Assert.Equal((SnapshotChoice.Started, "the published image records no packages snapshot"), (legacy.Choice, legacy.Reason));
        var unreadable = ImageFreshness.Decide(Id, new PublishedImage(Reference, null, null, "connection refused"), false, 7, Now);
        Assert.Equal("could not read the published image: connection refused", unreadable.Reason);
    }

    [Fact]
    public void An_image_from_before_snapshots_is_as_old_as_its_created_label_says()
    {
        var old = ImageFreshness.Decide(Id, Published(null, created: "2026-07-01T00:00:00Z"), false, 7, Now);
        Assert.Equal(SnapshotChoice.TooOld, old.Choice);
        Assert.Equal(53, (int)old.PublishedAge!.Value.TotalDays);
    }

    [Theory]
    [InlineData(6.9, 7, false)]
    [InlineData(7.1, 7, true)]
    [InlineData(0.1, 0, true)]
    public void Too_old_means_older_than_the_maximum_age(double days, int max, bool tooOld) =>
        Assert.Equal(tooOld, ImageFreshness.IsTooOld(TimeSpan.FromDays(days), max));

    [Fact]
    public void Reuse_is_refused_for_age_with_one_line_that_says_so()
    {
        var inputs = "sha256:" + new string('1', 64);
        var published = Published("2026-08-01");
        var packages = ImageFreshness.Decide(Id, published, false, 7, Now);
        var reuse = ReuseDecision.Decide(Id, inputs, force: false, published, packages);
        Assert.False(reuse.Reuses);
        Assert.Equal($"{Id}: build (reuse refused: the published image is 22.1 days old, older than the maximum age of 7 days (--max-image-age): today's packages, " +
                     $"snapshot 2026-08-23)   inputs {inputs}", reuse.ToString());
        // An inherited snapshot leaves the decision to the inputs.
        var young = ImageFreshness.Decide(Id, Published("2026-08-22"), false, 7, Now);
        Assert.Equal("nothing published at " + Reference, ReuseDecision.Decide(Id, inputs, false, new PublishedImage(Reference, null, null), young).Reason);
    }

    [Fact]
    public void The_published_facts_come_from_the_index_annotations()
    {
        var facts = PublishedFacts.Of(Published("2026-08-20.3", revision: "0123").IndexJson);
        Assert.Equal(("2026-08-20.3", "0123"), (facts.Snapshot!.ToString(), facts.Revision));
        Assert.Equal(PublishedFacts.None, PublishedFacts.Of("not json"));
        Assert.Equal(PublishedFacts.None, PublishedFacts.Of("""{"schemaVersion":2}"""));
    }
}
