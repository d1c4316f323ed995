using System.Text;
using Xunit;

namespace BuildTests.Skip;

/// <summary>The input digest is stable where inputs are equal (order, separators, machine) and changes with every input.</summary>
public class InputDigestTests
{
    static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    static InputDigestInputs Sample() => new(
        "gcc15-clang20",
        "image",
        "Dockerfile",
        B("FROM base\nRUN true\n"),
        [new ContextFile("Dockerfile", B("FROM base\nRUN true\n")), new ContextFile("compilers/gcc.in", B("#!/bin/sh\necho 15\n"), Executable: true), new ContextFile("smoke-test.sh", B("exit 0\n"))],
        new Dictionary<string, string> { ["BASE_IMAGE"] = "r/base", ["GCC_VERSION"] = "15", ["CLANG_VERSION"] = "20" },
        ["r/base@sha256:" + new string('a', 64), "r/tools:1@sha256:" + new string('c', 64)],
        ["linux/amd64", "linux/arm64"]);

    [Fact]
    public void Is_a_sha256_digest_pinned_by_a_known_value()
    {
        var digest = InputDigest.Compute(Sample());
        Assert.Matches("^sha256:[0-9a-f]{64}$", digest);
        // Pinned: a change to the encoding changes every published digest (and so every reuse); bump Version when that is intended.
        Assert.Equal("sha256:a361a8bd0c26b40881ceae8c34de3b50901a66f5f5029a8aac6d1b14e86a06c9", digest);
    }

    [Fact]
    public void Does_not_depend_on_file_order_arg_order_platform_order_or_path_separators()
    {
        var sample = Sample();
        var reordered = sample with
        {
            ContextFiles = [.. sample.ContextFiles.Reverse().Select(f => f with { RelativePath = "./" + f.RelativePath.Replace('/', '\\') })],
            BuildArgs = sample.BuildArgs.Reverse().ToDictionary(),
            Platforms = ["linux/arm64", "linux/amd64"],
            PinnedImages = [.. sample.PinnedImages.Reverse()],
            DockerfilePath = ".\\Dockerfile",
        };
        Assert.Equal(InputDigest.Compute(sample), InputDigest.Compute(reordered));
    }

    public static TheoryData<string, Func<InputDigestInputs, InputDigestInputs>> Changes => new()
    {
        { "permutation", i => i with { PermutationId = "gcc14-clang20" } },
        { "stage", i => i with { Stage = "validate" } },
        { "dockerfile path", i => i with { DockerfilePath = "other/Dockerfile" } },
        { "dockerfile bytes", i => i with { Dockerfile = B("FROM base\nRUN false\n") } },
        { "dockerfile line endings", i => i with { Dockerfile = B("FROM base\r\nRUN true\r\n") } },
        { "context file bytes", i => i with { ContextFiles = [.. i.ContextFiles.Select(f => f.RelativePath == "smoke-test.sh" ? f with { Content = B("exit 1\n") } : f)] } },
        { "context file renamed", i => i with { ContextFiles = [.. i.ContextFiles.Select(f => f.RelativePath == "smoke-test.sh" ? f with { RelativePath = "smoke.sh" } : f)] } },
        { "context file added", i => i with { ContextFiles = [.. i.ContextFiles, new ContextFile("new.txt", [])] } },
        { "context file removed", i => i with { ContextFiles = [.. i.ContextFiles.Skip(1)] } },
        { "executable bit", i => i with { ContextFiles = [.. i.ContextFiles.Select(f => f with { Executable = !f.Executable })] } },
        { "arg value", i => i with { BuildArgs = new Dictionary<string, string>(i.BuildArgs) { ["GCC_VERSION"] = "14" } } },
        { "arg added", i => i with { BuildArgs = new Dictionary<string, string>(i.BuildArgs) { ["EXTRA"] = "" } } },
        { "base image digest", i => i with { PinnedImages = ["r/base@sha256:" + new string('b', 64), i.PinnedImages[1]] } },
        { "image added", i => i with { PinnedImages = [.. i.PinnedImages, "r/extra:2@sha256:" + new string('d', 64)] } },
        { "platform removed", i => i with { Platforms = ["linux/amd64"] } },
        { "platform added", i => i with { Platforms = [.. i.Platforms, "linux/arm/v7"] } },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Changes_with_every_input(string what, Func<InputDigestInputs, InputDigestInputs> change) =>
        Assert.True(InputDigest.Compute(Sample()) != InputDigest.Compute(change(Sample())), $"changing the {what} left the input digest unchanged");

    [Fact]
    public void Field_boundaries_are_unambiguous()
    {
        // "ab"+"c" and "a"+"bc" must differ: every field is length-prefixed.
        var one = Sample() with { ContextFiles = [new ContextFile("a", B("bc"))] };
        var two = Sample() with { ContextFiles = [new ContextFile("ab", B("c"))] };
        Assert.NotEqual(InputDigest.Compute(one), InputDigest.Compute(two));
    }

    [Fact]
    public void A_file_listed_twice_is_refused_with_one_line()
    {
        var twice = Sample() with { ContextFiles = [new ContextFile("a/b", []), new ContextFile("a\\b", [])] };
        var error = Assert.Throws<ArgumentException>(() => InputDigest.Compute(twice));
        Assert.Equal("Build context lists 'a/b' twice; pass each context file once.", error.Message);
    }
}
