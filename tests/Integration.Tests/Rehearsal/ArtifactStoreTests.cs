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

    [Fact]
    public void Wildcards_select_files_and_the_root_is_the_common_ancestor_of_the_search_paths_even_of_paths_with_no_files()
    {
        var ws = Workspace("a", ("artifacts/x-amd64/images/x.tar", "t"), ("artifacts/x-amd64/images/x.tar.partial", "p"), ("artifacts/x-amd64/stray.log", "s"));
        var result = Store.Upload("x-amd64", ["artifacts/x-amd64/images/*.tar", "artifacts/x-amd64/bake-plan.txt"], ws);
        // Only the archive exists, yet the artifact keeps images/: upload-artifact roots it at artifacts/x-amd64.
        Assert.Equal(["images/x.tar"], result.Files);
    }

    [Fact]
    public void One_wildcard_path_is_rooted_at_its_search_path_and_one_file_at_its_parent()
    {
        var ws = Workspace("a", ("out/images/x.tar", "t"), ("out/manifest.json", "m"));
        Assert.Equal(["x.tar"], Store.Upload("glob", ["out/images/*.tar"], ws).Files);
        Assert.Equal(["manifest.json"], Store.Upload("file", ["out/manifest.json"], ws).Files);
    }

    [Fact]
    public void A_globstar_matches_any_depth_and_a_matched_folder_brings_its_files()
    {
        var ws = Workspace("a", ("out/scan/a.json", "1"), ("out/scan/deep/b.json", "2"), ("out/scan/deep/c.txt", "3"), ("out/sbom/x/y.cdx.json", "4"));
        Assert.Equal(["scan/a.json", "scan/deep/b.json"], Store.Upload("star", ["out/**/*.json", "out/scan/*.json"], ws).Files.Where(f => f.StartsWith("scan")));
        Assert.Equal(["sbom/x/y.cdx.json", "scan/deep/b.json", "scan/deep/c.txt"], Store.Upload("folders", ["out/s*/*/", "out/none.txt"], ws).Files);
    }

    [Fact]
    public void Artifacts_named_after_their_folders_downloaded_by_pattern_recreate_the_folders()
    {
        // What the generated workflow does: each platform job uploads its folder's files, the merge job downloads by pattern.
        foreach (var arch in new[] { "amd64", "arm64" })
            Assert.True(Store.Upload($"gcc-{arch}", [$"artifacts/gcc-{arch}/images/*.tar", $"artifacts/gcc-{arch}/bake-plan.txt"],
                Workspace(arch, ($"artifacts/gcc-{arch}/images/gcc.tar", arch), ($"artifacts/gcc-{arch}/bake-plan.txt", arch))).Succeeded);
        Assert.True(Store.Upload("gcc-clang-amd64", ["artifacts/gcc-clang-amd64/images/*.tar", "artifacts/gcc-clang-amd64/bake-plan.txt"],
            Workspace("other", ("artifacts/gcc-clang-amd64/images/gcc-clang.tar", "o"))).Succeeded);
        var platforms = Path.Combine(root, "platforms");
        var result = Store.Download(null, "gcc-a*", platforms, mergeMultiple: false);
        Assert.True(result.Succeeded);
        Assert.Equal(["gcc-amd64/bake-plan.txt", "gcc-amd64/images/gcc.tar", "gcc-arm64/bake-plan.txt", "gcc-arm64/images/gcc.tar"], result.Files);
        Assert.Equal("arm64", File.ReadAllText(Path.Combine(platforms, "gcc-arm64", "images", "gcc.tar")));
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
