using Xunit;

namespace BuildTests.Publish;

/// <summary>Issue 22, case 5: after Publish, a closing line says how to use each image: by digest, in devcontainer.json.</summary>
public class UsageHintTests
{
    [Fact]
    public void Each_published_image_is_named_by_digest_in_a_devcontainer_json_line_and_its_moved_tag_follows()
    {
        var entry = ManifestSamples.Entry("gcc14-clang20");
        Assert.Equal([
            "Next: use an image by digest in a project's .devcontainer/devcontainer.json (it is what was signed and attested):",
            $"  gcc14-clang20: \"image\": \"127.0.0.1:5000/team/devcontainer@{ManifestSamples.Digest('1')}\"",
            "                 or, to follow its updates: \"image\": \"127.0.0.1:5000/team/devcontainer:gcc14-clang20\"",
        ], UsageHint.Lines([entry], mutableTagsMoved: true));
    }

    [Fact]
    public void A_held_or_absent_mutable_tag_is_not_offered_and_nothing_published_says_nothing()
    {
        var entry = ManifestSamples.Entry("gcc14-clang20");
        Assert.Equal(2, UsageHint.Lines([entry], mutableTagsMoved: false).Count);
        Assert.Equal(2, UsageHint.Lines([entry with { Tags = [] }], mutableTagsMoved: true).Count);
        Assert.Empty(UsageHint.Lines([], mutableTagsMoved: true));
        Assert.Equal("", UsageHint.Markdown([]));
    }

    [Fact]
    public void The_step_summary_gets_a_json_block_per_image() =>
        Assert.Equal($"## Use it\n\n`gcc15-clang20` in `.devcontainer/devcontainer.json`:\n\n```json\n{{ \"image\": \"127.0.0.1:5000/team/devcontainer@{ManifestSamples.Digest('1')}\" }}\n```\n\n",
            UsageHint.Markdown([ManifestSamples.Entry()]));
}
