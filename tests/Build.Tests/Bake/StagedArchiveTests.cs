using BuildTests.Publish;
using Xunit;

namespace BuildTests.Bake;

public class StagedArchiveTests
{
    readonly string _archive = Path.Combine(Path.GetTempPath(), $"staged-{Guid.NewGuid():N}", "gcc14-clang20.tar");

    public StagedArchiveTests() => Directory.CreateDirectory(Path.GetDirectoryName(_archive)!);

    [Fact]
    public void A_complete_archive_is_renamed_into_place_replacing_the_old_one()
    {
        File.WriteAllText(_archive, "an older build");
        File.Move(OciArchiveTests.WriteArchive(OciArchiveTests.ImageIndex), StagedArchive.PartialPath(_archive));
        var info = StagedArchive.Commit(_archive, "gcc14-clang20");
        Assert.False(File.Exists(StagedArchive.PartialPath(_archive)));
        Assert.Equal(info.IndexDigest, OciArchive.Read(_archive).IndexDigest);
    }

    [Fact]
    public void An_empty_or_missing_partial_archive_is_refused_and_never_becomes_the_archive()
    {
        Assert.Contains("Bake wrote no archive for gcc14-clang20", Assert.Throws<InvalidOperationException>(() => StagedArchive.Commit(_archive, "gcc14-clang20")).Message);
        File.WriteAllBytes(StagedArchive.PartialPath(_archive), []);
        Assert.Contains("empty (0 bytes)", Assert.Throws<InvalidOperationException>(() => StagedArchive.Commit(_archive, "gcc14-clang20")).Message);
        Assert.False(File.Exists(_archive));
    }

    [Fact]
    public void Discard_removes_the_archive_and_its_partial_and_tolerates_neither_existing()
    {
        File.WriteAllText(_archive, "old");
        File.WriteAllText(StagedArchive.PartialPath(_archive), "");
        StagedArchive.Discard(_archive);
        Assert.False(File.Exists(_archive));
        Assert.False(File.Exists(StagedArchive.PartialPath(_archive)));
        StagedArchive.Discard(_archive);
    }

    [Fact]
    public void The_partial_name_is_not_matched_by_the_archive_glob() =>
        Assert.False(System.IO.Enumeration.FileSystemName.MatchesSimpleExpression("*.tar", Path.GetFileName(StagedArchive.PartialPath(_archive))));
}
