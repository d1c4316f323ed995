using Xunit;

namespace BuildTests.Skip;

public class ReuseDecisionTests
{
    const string Id = "gcc15-clang20";
    static readonly string Inputs = "sha256:" + new string('1', 64);
    static readonly string Other = "sha256:" + new string('2', 64);
    static readonly string ImageDigest = "sha256:" + new string('d', 64);
    const string Reference = "127.0.0.1:5000/team/devcontainer:gcc15-clang20";

    static string Index(string? inputDigest) => inputDigest is null
        ? """{"schemaVersion":2,"manifests":[],"annotations":{"org.opencontainers.image.revision":"abc"}}"""
        : $$$"""{"schemaVersion":2,"manifests":[],"annotations":{"{{{InputDigest.LabelKey}}}":"{{{inputDigest}}}"}}""";

    [Fact]
    public void Same_inputs_reuse_the_published_digest()
    {
        var decision = ReuseDecision.Decide(Id, Inputs, force: false, new PublishedImage(Reference, ImageDigest, Index(Inputs)));
        Assert.True(decision.Reuses);
        Assert.Equal(ImageDigest, decision.ReusedDigest);
        Assert.Equal($"{Id}: reuse {ImageDigest} (inputs unchanged; {Reference})   inputs {Inputs}", decision.ToString());
    }

    [Fact]
    public void Force_builds_even_with_identical_inputs()
    {
        var decision = ReuseDecision.Decide(Id, Inputs, force: true, new PublishedImage(Reference, ImageDigest, Index(Inputs)));
        Assert.False(decision.Reuses);
        Assert.Null(decision.ReusedDigest);
        Assert.Equal($"{Id}: build (--force)   inputs {Inputs}", decision.ToString());
    }

    public static TheoryData<string, PublishedImage?, string> Builds => new()
    {
        { "changed inputs", new PublishedImage(Reference, ImageDigest, Index(Other)), $"inputs changed since {Reference} ({Other})" },
        { "nothing published", new PublishedImage(Reference, null, null), $"nothing published at {Reference}" },
        { "published before input digests existed", new PublishedImage(Reference, ImageDigest, Index(null)), $"{Reference} records no input digest" },
        { "not an index", new PublishedImage(Reference, ImageDigest, "not json"), $"{Reference} records no input digest" },
        { "registry unreadable", new PublishedImage(Reference, null, null, "connection refused"), $"could not read {Reference}: connection refused" },
        { "no read", null, "no registry read" },
    };

    [Theory]
    [MemberData(nameof(Builds))]
    public void Anything_else_builds_and_says_why(string _, PublishedImage? published, string reason)
    {
        var decision = ReuseDecision.Decide(Id, Inputs, force: false, published);
        Assert.False(decision.Reuses);
        Assert.Equal(reason, decision.Reason);
    }

    [Theory]
    [InlineData(BuildMode.DefaultBranch)]
    [InlineData(BuildMode.ReleaseTag)]
    [InlineData(BuildMode.PullRequest)]
    [InlineData(BuildMode.Local)]
    public void Every_mode_looks_at_the_default_branch_tag_of_the_permutation(BuildMode mode)
    {
        var context = new BuildContext(mode, new string('c', 40), "refs/tags/v1.2.3", "push", 7, "v1.2.3", DateTimeOffset.UnixEpoch, "");
        Assert.Equal("127.0.0.1:5000/team/devcontainer:gcc15-clang20", ReuseDecision.CandidateReference(context, "127.0.0.1:5000/team/devcontainer", Id));
    }
}
