using Xunit;

namespace BuildTests.Bake;

public class ReleaseVersionTests
{
    [Theory]
    [InlineData("v1.2.3", 1, 2, 3, null)]
    [InlineData("v0.0.1-alpha.1", 0, 0, 1, "alpha.1")]
    [InlineData("v10.20.30+meta", 10, 20, 30, null)]
    public void Parses_release_tags(string tag, int major, int minor, int patch, string? prerelease)
    {
        var version = ReleaseVersion.TryParse(tag)!;
        Assert.Equal((major, minor, patch, prerelease), (version.Major, version.Minor, version.Patch, version.Prerelease));
        Assert.Equal(tag, version.ToString());
    }

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("v1.2")]
    [InlineData("v01.2.3")]
    [InlineData("release-5")]
    [InlineData("v1.2.3-")]
    [InlineData(null)]
    public void Rejects_anything_else(string? tag) => Assert.Null(ReleaseVersion.TryParse(tag));

    [Theory]
    [InlineData("v1.2.3", "v1.2.4", -1)]
    [InlineData("v1.10.0", "v1.9.9", 1)]
    [InlineData("v2.0.0-rc.1", "v2.0.0", -1)]
    [InlineData("v2.0.0+a", "v2.0.0+b", 0)]
    public void Orders_by_precedence(string a, string b, int expected) =>
        Assert.Equal(expected, Math.Sign(ReleaseVersion.Compare(ReleaseVersion.TryParse(a)!, ReleaseVersion.TryParse(b)!)));
}
