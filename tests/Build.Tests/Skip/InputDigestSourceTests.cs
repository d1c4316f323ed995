using System.Text;
using Xunit;

namespace BuildTests.Skip;

/// <summary>Reading the inputs from disk: independent of where the context lives and of file times; .dockerignore honoured.</summary>
public sealed class InputDigestSourceTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("input-digest-").FullName;

    static readonly BakeTarget Target = new("gcc15-clang20", new Dictionary<string, string> { ["BASE_IMAGE"] = "r/base:latest", ["GCC_VERSION"] = "15" },
        [], [], [], [], [], "image") { Context = "ctx", Dockerfile = "Dockerfile" };

    static PermutationBake Bake() => new(Permutation.Gcc15Clang20, ["linux/amd64"], [], new Dictionary<string, string>(), [],
        new CacheSettings([], []), new BuildImages(Base.AsBase(), [Base]), "/x.tar");

    static readonly ResolvedImage Base = new("r/base:latest", "sha256:" + new string('a', 64), [], "FROM");

    string MakeContext(string bakeDirectory)
    {
        var context = Path.Combine(bakeDirectory, "ctx");
        Directory.CreateDirectory(Path.Combine(context, "compilers"));
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM ${BASE_IMAGE}\nCOPY . /src\n");
        File.WriteAllText(Path.Combine(context, "compilers", "gcc.in"), "echo 15\n");
        File.WriteAllText(Path.Combine(context, ".dockerignore"), "*.log\n");
        return context;
    }

    string Digest(string bakeDirectory) => InputDigest.Compute(InputDigestSource.Read(bakeDirectory, Target, Bake()));

    [Fact]
    public void The_same_context_elsewhere_and_touched_later_has_the_same_digest()
    {
        var first = Path.Combine(_root, "one");
        var second = Path.Combine(_root, "elsewhere", "two");
        MakeContext(first);
        var context = MakeContext(second);
        File.SetLastWriteTimeUtc(Path.Combine(context, "compilers", "gcc.in"), DateTime.UtcNow.AddDays(-3));
        Assert.Equal(Digest(first), Digest(second));
    }

    [Fact]
    public void Ignored_files_do_not_count_and_others_do()
    {
        var context = MakeContext(_root);
        var before = Digest(_root);
        File.WriteAllText(Path.Combine(context, "build.log"), "noise");
        Assert.Equal(before, Digest(_root));
        File.WriteAllText(Path.Combine(context, "compilers", "gcc.in"), "echo 15 \n");
        Assert.NotEqual(before, Digest(_root));
    }

    [Fact]
    public void Images_are_hashed_pinned_and_args_as_bake_gives_them()
    {
        MakeContext(_root);
        var inputs = InputDigestSource.Read(_root, Target, Bake());
        Assert.Equal(["r/base:latest@sha256:" + new string('a', 64)], inputs.PinnedImages);
        Assert.Equal("r/base:latest", inputs.BuildArgs["BASE_IMAGE"]);
        Assert.Equal([".dockerignore", "Dockerfile", "compilers/gcc.in"], inputs.ContextFiles.Select(f => f.RelativePath).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_per_platform_job_digests_the_permutation_s_platforms_and_a_plain_one_platform_build_its_own()
    {
        MakeContext(_root);
        var amd64Job = InputDigest.Compute(InputDigestSource.Read(_root, Target, Bake(), perPlatformJob: true));
        var arm64Job = InputDigest.Compute(InputDigestSource.Read(_root, Target, Bake() with { Platforms = ["linux/arm64"] }, perPlatformJob: true));
        var bothPlatforms = InputDigest.Compute(InputDigestSource.Read(_root, Target, Bake() with { Platforms = ["linux/amd64", "linux/arm64"] }));

        Assert.Equal(Permutation.Gcc15Clang20.Platforms, InputDigestSource.DigestPlatforms(Bake(), perPlatformJob: true));
        Assert.Equal(amd64Job, arm64Job); // the jobs agree, so the merged index keeps the digest
        Assert.Equal(bothPlatforms, amd64Job); // the one a multi-platform Bake of the same inputs has
        Assert.NotEqual(amd64Job, Digest(_root)); // a user's amd64-only image is another image
    }

    [Fact]
    public void A_missing_context_is_one_clear_line()
    {
        var error = Assert.Throws<Pipeline.Host.BuildInputException>(() => InputDigestSource.Read(_root, Target, Bake()));
        Assert.Contains("has context 'ctx', which is not a directory", error.Message);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
