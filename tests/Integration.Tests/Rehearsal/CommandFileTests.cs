using Xunit;

namespace Integration.Tests.Rehearsal;

public class CommandFileTests
{
    [Fact]
    public void Reads_name_value_lines_and_heredocs() =>
        Assert.Equal(
            [KeyValuePair.Create("digest", "sha256:1=2"), KeyValuePair.Create("notes", "line one\nline two"), KeyValuePair.Create("empty", "")],
            CommandFile.Read("digest=sha256:1=2\nnotes<<EOF_1\nline one\nline two\nEOF_1\nempty=\n"));

    [Fact]
    public void An_unclosed_heredoc_is_an_error() =>
        Assert.Throws<FormatException>(() => CommandFile.Read("notes<<EOF\nno end\n"));
}
