using Xunit;

namespace BuildTests.Skip;

public class DockerIgnoreTests
{
    static readonly DockerIgnore Rules = DockerIgnore.Parse("""
        # comment
        *.md
        !README.md
        build/
        **/*.tmp
        docs/?.txt
        /secrets
        """);

    [Theory]
    [InlineData("notes.md", true)]
    [InlineData("README.md", false)]          // re-included by a later '!' line
    [InlineData("sub/notes.md", false)]        // '*' does not cross '/'
    [InlineData("build/out.o", true)]          // a directory pattern excludes everything below it
    [InlineData("build", true)]
    [InlineData("builder/x", false)]
    [InlineData("a/b/c.tmp", true)]            // '**/' spans directories
    [InlineData("c.tmp", true)]                // ... including none
    [InlineData("docs/a.txt", true)]
    [InlineData("docs/ab.txt", false)]         // '?' is exactly one character
    [InlineData("secrets/key", true)]          // leading '/' is the context root
    [InlineData("Dockerfile", false)]
    [InlineData("sub\\notes.md", false)]        // Windows separators are normalised first
    public void Excludes_what_docker_would(string path, bool excluded) =>
        Assert.Equal(excluded, Rules.Excludes(path));

    [Fact]
    public void No_rules_exclude_nothing() => Assert.False(DockerIgnore.None.Excludes("anything/at/all"));
}
