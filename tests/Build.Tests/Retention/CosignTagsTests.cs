using Pipeline.Retention;
using Xunit;

namespace BuildTests.Retention;

public class CosignTagsTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("sha256-" + Hex + ".sig", "signature")]
    [InlineData("sha256-" + Hex + ".att", "attestation")]
    [InlineData("sha256-" + Hex + ".sbom", "sbom")]
    [InlineData("sha256-" + Hex, "referrers index")]
    public void Attachment_tags_name_their_subject(string tag, string kind)
    {
        Assert.Equal("sha256:" + Hex, CosignTags.SubjectOf(tag));
        Assert.Equal(kind, CosignTags.KindOf(tag));
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("sha256-abc.sig")]
    [InlineData("sha-0123456")]
    [InlineData("sha256-" + Hex + ".sig.bak")]
    public void Ordinary_tags_are_not_attachments(string tag) => Assert.Null(CosignTags.SubjectOf(tag));
}
