using Xunit;

namespace BuildTests.Publish;

public class StepSummaryTests
{
    [Fact]
    public void Blocks_are_separated_by_a_blank_line_and_the_file_ends_with_one_newline()
    {
        var file = StepSummary.Block("> **Warning:** one", follows: false);
        file += StepSummary.Block("> **Warning:** two", follows: file.Length > 0);
        file += StepSummary.Block("## Use it\n\n```json\n{}\n```\n\n", follows: file.Length > 0);
        // Two quotes, not one paragraph (Markdown joins adjacent '>' lines); one newline at the end.
        Assert.Equal("> **Warning:** one\n\n> **Warning:** two\n\n## Use it\n\n```json\n{}\n```\n", file);
    }
}
