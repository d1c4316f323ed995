using Pipeline.CI;
using Pipeline.Host;
using Xunit;

namespace WorkflowTests;

/// <summary>What the targets declare with Produces → what a generated job uploads, and where upload-artifact roots it.</summary>
public class JobUploadsTests
{
    const string Artifacts = "/repo/artifacts";
    const string Folder = "artifacts/${{ matrix.permutation }}";

    static TargetDeclaration Target(string name, string[] dependsOn, params string[] produces) => new(name, dependsOn, produces);

    static JobUploads Uploads(params TargetDeclaration[] targets) => new(targets, Artifacts);

    static readonly TargetDeclaration[] Pipeline =
    [
        Target("Bake", [], $"{Artifacts}/images/*.tar", $"{Artifacts}/bake-plan.txt"),
        Target("Scan", ["Bake"], $"{Artifacts}/scan/*.json"),
        Target("Manifest", ["Bake", "Scan"], $"{Artifacts}/manifest.json"),
        Target("Publish", ["Manifest"], $"{Artifacts}/publish-plan.txt"),
    ];

    [Fact]
    public void A_job_uploads_what_its_running_targets_produce_under_its_folder_and_nothing_else()
    {
        Assert.Equal(
            [$"{Folder}/bake-plan.txt", $"{Folder}/images/*.tar", $"{Folder}/manifest.json", $"{Folder}/scan/*.json"],
            Uploads(Pipeline).Paths(["Manifest"], [], Folder));
    }

    [Fact]
    public void Skipped_targets_run_elsewhere_so_their_files_are_not_uploaded_again()
    {
        Assert.Equal(["artifacts/manifest.json", "artifacts/publish-plan.txt"],
            Uploads(Pipeline).Paths(["Publish"], ["Bake", "Scan"], "artifacts/"));
        Assert.Equal(["Manifest", "Publish"], Uploads(Pipeline).RunningTargets(["Publish"], ["Bake", "Scan"]));
    }

    [Fact]
    public void A_file_a_target_starts_to_declare_is_uploaded_without_touching_the_workflow_code()
    {
        var withJson = Pipeline.Select(t => t.Name == "Bake" ? t with { Produces = [.. t.Produces, $"{Artifacts}/bake-plan.json"] } : t).ToArray();
        Assert.Contains($"{Folder}/bake-plan.json", Uploads(withJson).Paths(["Bake"], [], Folder));
        Assert.DoesNotContain($"{Folder}/bake-plan.json", Uploads(Pipeline).Paths(["Bake"], [], Folder));
    }

    [Fact]
    public void A_produced_path_outside_the_artifacts_directory_is_refused_naming_the_target()
    {
        var error = Assert.Throws<ArgumentException>(() => Uploads(Target("Pack", [], "/repo/packages/*.nupkg", $"{Artifacts}/pack.log")).Paths(["Pack"], [], Folder));
        Assert.Contains("Target 'Pack' produces /repo/packages/*.nupkg, outside the artifacts directory", error.Message);
    }

    [Fact]
    public void Paths_that_would_not_root_the_artifact_at_the_job_folder_are_refused()
    {
        // Both under images/: upload-artifact would root the artifact at images/, and a download would lose that level.
        var error = Assert.Throws<ArgumentException>(() =>
            Uploads(Target("Bake", [], $"{Artifacts}/images/*.tar", $"{Artifacts}/images/index.json")).Paths(["Bake"], [], Folder));
        Assert.Contains($"roots at {Folder}/images, not at the job's folder {Folder}", error.Message);
        // One literal path: a file is rooted at its parent, a folder at itself; which one is on disk is not known here.
        Assert.Throws<ArgumentException>(() => Uploads(Target("Manifest", [], $"{Artifacts}/manifest.json")).Paths(["Manifest"], [], Folder));
    }

    [Fact]
    public void An_unknown_target_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Uploads(Pipeline).Paths(["Pack"], [], Folder));
        Assert.Contains("target 'Pack'", error.Message);
    }

    [Theory]
    // the least common ancestor of the search paths (the literal segments before a wildcard)
    [InlineData("a/f/images/*.tar|a/f/bake-plan.txt", "a/f")]
    [InlineData("a/f/x.json|a/f/y.json", "a/f")]
    [InlineData("a/f/images/*.tar|a/g/manifest.json", "a")]
    // a search path under another one is dropped; what is left is one search path
    [InlineData("a/f/images/*.tar|a/f/images/x.tar", "a/f/images")]
    [InlineData("a/f/*/report.json", "a/f")]
    [InlineData("a/f/", "a/f")]
    public void Root_is_where_upload_artifact_v4_roots_the_artifact(string paths, string root) =>
        Assert.Equal(root, JobUploads.Root(paths.Split('|')));

    [Fact]
    public void Root_of_one_literal_path_depends_on_the_disk() => Assert.Null(JobUploads.Root(["a/f/manifest.json"]));

    [Theory]
    [InlineData("gcc14-clang20-*", "gcc14-clang20-amd64", true)]
    [InlineData("gcc14-clang20-*", "gcc14-clang20", false)]
    [InlineData("gcc14-clang20-*", "permutation-gcc14-clang20", false)]
    [InlineData("permutation-*", "permutation-gcc14-clang20", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a.c", "abc", false)]
    public void Selects_matches_artifact_names_as_download_artifact_patterns_do(string pattern, string name, bool selected) =>
        Assert.Equal(selected, JobUploads.Selects(pattern, name));
}
