using Xunit;

namespace Integration.Tests.Rehearsal;

public sealed class ArtifactStoreTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("artifact-store-").FullName;
    ArtifactStore Store => new(Path.Combine(root, "store"));

    string Workspace(string name, params (string Path, string Content)[] files)
    {
        var workspace = Path.Combine(root, name);
        foreach (var (path, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(workspace, path))!);
            File.WriteAllText(Path.Combine(workspace, path), content);
        }
        Directory.CreateDirectory(workspace);
        return workspace;
    }

    [Fact]
    public void A_directory_upload_is_rooted_at_the_directory_and_leaves_hidden_files_out()
    {
        var ws = Workspace("a", ("artifacts/gcc-amd64/images/gcc.tar", "t"), ("artifacts/.cache/x", "h"), ("artifacts/gcc-amd64/.hidden", "h"));
        var result = Store.Upload("platform-gcc-amd64", ["artifacts/"], ws);
        Assert.True(result.Succeeded);
        Assert.Equal(["gcc-amd64/images/gcc.tar"], result.Files);
    }

    [Fact]
    public void Uploading_a_name_the_run_already_has_fails_as_v4_does()
    {
        var ws = Workspace("a", ("out/m.json", "1"));
        Assert.True(Store.Upload("same", ["out"], ws).Succeeded);
        var again = Store.Upload("same", ["out"], ws);
        Assert.False(again.Succeeded);
        Assert.Contains("already exists", again.Failure);
        Assert.True(Store.Upload("same", ["out"], ws, overwrite: true).Succeeded);
    }

    [Fact]
    public void Files_from_several_paths_are_rooted_at_their_common_ancestor()
    {
        var ws = Workspace("a", ("artifacts/manifest.json", "m"), ("artifacts/images/x.tar", "x"));
        var result = Store.Upload("m", ["artifacts/manifest.json", "artifacts/images"], ws);
        Assert.Equal(["images/x.tar", "manifest.json"], result.Files);
    }

    [Theory]
    [InlineData("warn", true)]
    [InlineData("error", false)]
    public void No_files_follows_if_no_files_found(string mode, bool succeeds)
    {
        var result = Store.Upload("empty", ["missing/"], Workspace("a"), mode);
        Assert.Equal(succeeds, result.Succeeded);
        Assert.DoesNotContain("empty", Store.Names);
    }

    [Fact]
    public void Merge_multiple_puts_every_matching_artifact_into_one_folder()
    {
        Assert.True(Store.Upload("platform-gcc-amd64", ["artifacts/"], Workspace("a", ("artifacts/gcc-amd64/images/gcc.tar", "a"))).Succeeded);
        Assert.True(Store.Upload("platform-gcc-arm64", ["artifacts/"], Workspace("b", ("artifacts/gcc-arm64/images/gcc.tar", "b"))).Succeeded);
        Assert.True(Store.Upload("platform-clang-amd64", ["artifacts/"], Workspace("c", ("artifacts/clang-amd64/images/clang.tar", "c"))).Succeeded);
        var target = Path.Combine(root, "merged");
        var result = Store.Download(null, "platform-gcc-*", target, mergeMultiple: true);
        Assert.True(result.Succeeded);
        Assert.Equal(["gcc-amd64/images/gcc.tar", "gcc-arm64/images/gcc.tar"], result.Files);
        Assert.Equal("b", File.ReadAllText(Path.Combine(target, "gcc-arm64/images/gcc.tar")));
    }

    [Fact]
    public void Without_merge_multiple_each_artifact_gets_a_folder_of_its_name_and_a_name_downloads_into_path()
    {
        Store.Upload("one", ["out"], Workspace("a", ("out/m.json", "1")));
        Store.Upload("two", ["out"], Workspace("b", ("out/m.json", "2")));
        Assert.Equal(["one/m.json", "two/m.json"], Store.Download(null, null, Path.Combine(root, "all"), mergeMultiple: false).Files);
        Assert.Equal(["m.json"], Store.Download("two", null, Path.Combine(root, "named"), mergeMultiple: false).Files);
        Assert.False(Store.Download("three", null, Path.Combine(root, "x"), mergeMultiple: false).Succeeded);
    }

    [Fact]
    public void A_file_two_merged_artifacts_both_hold_is_a_collision_where_v4_would_silently_keep_the_last()
    {
        Store.Upload("devcontainer-gcc14", ["artifacts/"], Workspace("a", ("artifacts/manifest.json", "gcc14"), ("artifacts/images/gcc14.tar", "1")));
        Store.Upload("devcontainer-gcc15", ["artifacts/"], Workspace("b", ("artifacts/manifest.json", "gcc15"), ("artifacts/images/gcc15.tar", "2")));
        var result = Store.Download(null, "devcontainer-*", Path.Combine(root, "merged"), mergeMultiple: true);
        Assert.False(result.Succeeded);
        Assert.Contains("manifest.json (devcontainer-gcc14, devcontainer-gcc15)", result.Failure);
        Assert.DoesNotContain("images/", result.Failure);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
