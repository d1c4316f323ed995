using Xunit;

namespace BuildTests.Publish;

public class DirtyTreeTests
{
    [Fact]
    public void Publishing_uncommitted_changes_is_refused_in_one_line_naming_them_and_both_fixes()
    {
        var problem = DirtyTree.PublishProblem(["README.md", "build/Build.cs", "notes.txt", "a", "b"], allowDirty: false);
        Assert.Equal("Publish refused: the work tree has uncommitted changes (README.md, build/Build.cs, notes.txt and 2 more; git status --porcelain) and a publish " +
                     "names a commit: commit or stash them (git stash -u), or pass --allow-dirty to push, sign and attest it by digest without moving any tag.", problem);
        Assert.Null(DirtyTree.PublishProblem(["README.md"], allowDirty: true));
        Assert.Null(DirtyTree.PublishProblem([], allowDirty: false));
    }

    [Fact]
    public void A_manifest_built_from_uncommitted_changes_is_refused_unless_allowed()
    {
        Assert.Equal("Publish refused: artifacts/manifest.json was built from uncommitted changes and a publish names a commit: rebuild from a clean checkout, " +
                     "or pass --allow-dirty to push, sign and attest it by digest without moving any tag.",
            DirtyTree.BuiltDirtyProblem(true, "artifacts/manifest.json", allowDirty: false));
        Assert.Null(DirtyTree.BuiltDirtyProblem(true, "artifacts/manifest.json", allowDirty: true));
        Assert.Null(DirtyTree.BuiltDirtyProblem(false, "artifacts/manifest.json", allowDirty: false));
    }

    [Fact]
    public void The_manifest_records_a_dirty_build_and_a_clean_one_as_before()
    {
        var clean = ManifestSamples.Manifest();
        Assert.DoesNotContain("\"dirty\"", ManifestStore.Serialize(clean, ManifestSamples.KnownIds));
        var dirty = ManifestStore.Serialize(clean with { Dirty = true }, ManifestSamples.KnownIds);
        Assert.Contains("\"dirty\": true", dirty);
        Assert.True(ManifestStore.Parse(dirty, "m.json", ManifestSamples.KnownIds).Dirty);
    }

    [Fact]
    public void A_dry_run_beside_a_bake_that_exports_the_cache_is_refused_naming_the_flag_that_keeps_it_read_only()
    {
        Assert.Equal("--dry-run changes nothing in the registry, but Bake in this run would export the build cache to 127.0.0.1:5000/team/devcontainer-cache: " +
                     "add --cache registry-read (reads the cache, exports none), or pass --skip to plan the publish of the existing manifest.",
            Pipeline.Rules.Preflight.DryRunCacheExport("127.0.0.1:5000/team/devcontainer-cache"));
    }
}
