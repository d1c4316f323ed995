using Tests.Shared;
using Xunit;

namespace WorkflowTests;

/// <summary>
/// What changes in build-devcontainer.yml when one attribute changes: a golden file of the whole variant and one of
/// the lines that differ from the committed workflow (golden/Workflows/*.diff). Accept changes with ACCEPT_GOLDEN=1.
/// </summary>
public class VariantGoldenTests
{
    public static TheoryData<string> Variants()
    {
        var data = new TheoryData<string>();
        foreach (var v in WorkflowTestSupport.MatrixVariants()) data.Add(v.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Variant_matches_its_golden_file_and_its_golden_diff(string name)
    {
        var (_, change, workflow) = WorkflowTestSupport.MatrixVariants().Single(v => v.Name == name);
        var baseline = WorkflowTestSupport.Generated().Single(w => w.FileName == "build-devcontainer.yml").Text;
        var diff = LineDiff.Unified(baseline, workflow.Text, "build-devcontainer.yml (attributes as committed)", $"build-devcontainer.yml ({change})");

        Assert.NotEqual(baseline, workflow.Text);
        Golden.Match($"Workflows/build-devcontainer.{name}.yml", workflow.Text);
        Golden.Match($"Workflows/build-devcontainer.{name}.diff", diff);
    }

    [Fact]
    public void Adding_a_permutation_adds_its_platform_jobs_and_its_merge_job_and_nothing_else()
    {
        var baseline = WorkflowTestSupport.Generated().Single(w => w.FileName == "build-devcontainer.yml").Text;
        var fifth = WorkflowTestSupport.MatrixVariants().Single(v => v.Name == "fifth-permutation").Workflow.Text;
        var changed = LineDiff.Unified(baseline, fifth, "a", "b").Split('\n').Where(l => l.StartsWith("+ ") || l.StartsWith("- ")).ToList();
        string[] platformEntries = ["+           - permutation: gcc16-clang21", "+             platform: linux/amd64", "+             arch: amd64",
            "+           - permutation: gcc16-clang21", "+             platform: linux/arm64", "+             arch: arm64"];
        // build-pr (no merge job: a pull request merges nothing), build, merge
        Assert.Equal([.. platformEntries, .. platformEntries, "+           - gcc16-clang21"], changed);
    }

    [Fact]
    public void The_diff_shows_removed_and_added_lines_with_their_positions()
    {
        var diff = LineDiff.Unified("a\nb\nc\n", "a\nB\nc\nd\n", "x", "y");
        Assert.Equal("--- x\n+++ y\n@@ -2 +2 @@\n- b\n+ B\n@@ -4 +4 @@\n+ d\n", diff);
    }
}
