using Pipeline.Retention;
using Xunit;

namespace BuildTests.Retention;

public class TagPatternTests
{
    private static readonly string[] Ids = ["gcc15-clang20", "gcc15-clang20x", "gcc14-clangp2996"];

    [Theory]
    [InlineData("{permutation}-sha-*", "gcc15-clang20-sha-abc1234", true, "gcc15-clang20")]
    [InlineData("{permutation}-sha-*", "gcc15-clang20x-sha-abc1234", true, "gcc15-clang20x")]
    [InlineData("{permutation}-sha-*", "gcc99-clang20-sha-abc1234", false, "")]
    [InlineData("v*.*.*-*", "v1.2.3-gcc15-clang20", true, "")]
    [InlineData("v*.*.*-*", "v1.2-gcc15-clang20", false, "")]
    [InlineData("pr-?", "pr-7", true, "")]
    [InlineData("pr-?", "pr-17", false, "")]
    [InlineData("a.b", "aXb", false, "")]
    [InlineData("{sha}-{permutation}", "0123456789abcdef0123456789abcdef01234567-gcc15-clang20", true, "gcc15-clang20")]
    [InlineData("{sha}-{permutation}", "v1.2.3-gcc15-clang20", false, "")]
    [InlineData("{sha}-{permutation}", "0123456789ABCDEF-gcc15-clang20", false, "")]
    public void Globs_match_whole_tags_and_capture_the_permutation(string glob, string tag, bool matches, string permutation)
    {
        Assert.Equal(matches, new TagPattern(glob, Ids).Matches(tag, out var captured));
        Assert.Equal(permutation, captured);
    }
}
