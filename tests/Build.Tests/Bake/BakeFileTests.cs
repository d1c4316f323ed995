using Xunit;

namespace BuildTests.Bake;

/// <summary>The permutation enumeration is the matrix's single source: both bake files must agree with it.</summary>
public class BakeFileTests
{
    public static TheoryData<string> BakeFiles => new() { "docker-bake.hcl", "tests/fixture/docker-bake.hcl" };

    static HclOutline Outline(string file) => HclOutline.Parse(RepositoryFiles.Read(file));

    [Theory]
    [MemberData(nameof(BakeFiles))]
    public void Every_permutation_has_an_image_and_a_validate_target_and_nothing_else(string file)
    {
        var outline = Outline(file);
        var expected = Permutation.All.SelectMany(p => new[] { p.BakeTarget, p.ValidateBakeTarget }).Order();
        Assert.Equal(expected, outline.Targets.Keys.Where(t => !t.StartsWith('_')).Order());
    }

    [Theory]
    [MemberData(nameof(BakeFiles))]
    public void Groups_default_and_validate_hold_every_permutation(string file)
    {
        var outline = Outline(file);
        Assert.Equal(Permutation.All.Select(p => p.BakeTarget).Order(), outline.Groups["default"].Order());
        Assert.Equal(Permutation.All.Select(p => p.ValidateBakeTarget).Order(), outline.Groups["validate"].Order());
    }

    [Theory]
    [MemberData(nameof(BakeFiles))]
    public void Targets_build_the_image_and_validate_stages_from_BASE_IMAGE(string file)
    {
        var outline = Outline(file);
        Assert.Contains("BASE_IMAGE", outline.Variables);
        foreach (var p in Permutation.All)
        {
            Assert.Equal("image", outline.Attribute(p.BakeTarget, "target"));
            Assert.Equal("validate", outline.Attribute(p.ValidateBakeTarget, "target"));
            Assert.True(outline.ArgsOf(p.BakeTarget).ContainsKey("BASE_IMAGE"), $"{p.BakeTarget} in {file} does not pass BASE_IMAGE");
        }
    }

    [Fact]
    public void Real_bake_file_passes_each_permutations_toolchain_versions()
    {
        var outline = Outline("docker-bake.hcl");
        foreach (var p in Permutation.All)
        foreach (var target in new[] { p.BakeTarget, p.ValidateBakeTarget })
        {
            var args = outline.ArgsOf(target);
            Assert.Equal(p.Gcc, args["GCC_VERSION"]);
            Assert.Equal(p.Clang, args["CLANG_VERSION"]);
            Assert.Equal(p.Clang == "p2996" ? "p2996" : "packages", args["CLANG_SOURCE"]);
        }
    }

    [Fact]
    public void The_outline_reader_sees_a_missing_target()
    {
        var text = RepositoryFiles.Read("docker-bake.hcl").Replace("target \"validate-gcc15-clang20\"", "target \"validate-gcc15-clang21\"");
        Assert.DoesNotContain("validate-gcc15-clang20", HclOutline.Parse(text).Targets.Keys);
    }
}
