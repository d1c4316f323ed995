using Pipeline.Host;
using Xunit;

namespace BuildTests.Bake;

public class DockerfileFromChainTests
{
    static readonly IReadOnlyDictionary<string, string> NoArgs = new Dictionary<string, string>();

    static DockerfileImages Resolve(string dockerfile, IReadOnlyDictionary<string, string>? args = null, string? stage = null) =>
        DockerfileFromChain.Resolve(dockerfile, "images/Dockerfile", args ?? NoArgs, stage);

    [Fact]
    public void A_global_ARG_default_names_the_base()
    {
        var images = Resolve("ARG BASE=registry.example/base/ubuntu:24.04\nFROM ${BASE}\nRUN true\n");
        Assert.Equal("registry.example/base/ubuntu:24.04", images.FinalBase!.Reference);
        Assert.Equal(2, images.FinalBase.Line);
        Assert.Equal([new ExternalImageUse("registry.example/base/ubuntu:24.04", 2, "FROM")], images.External);
    }

    [Fact]
    public void A_literal_FROM_is_its_own_base_and_scratch_is_no_image()
    {
        Assert.Equal("mcr.example/devcontainers/cpp:1-ubuntu24.04", Resolve("# syntax=docker/dockerfile:1\nfrom mcr.example/devcontainers/cpp:1-ubuntu24.04\n").FinalBase!.Reference);
        var scratch = Resolve("FROM scratch\nCOPY x /x\n");
        Assert.Null(scratch.FinalBase);
        Assert.Empty(scratch.External);
    }

    [Fact]
    public void Named_stages_are_followed_to_the_final_stage_base_and_unused_stages_are_ignored()
    {
        const string dockerfile = """
            ARG BASE=r/base:1
            FROM ${BASE} AS base
            RUN true
            FROM r/unused:9 AS unused
            FROM base AS image
            FROM image AS validate
            RUN test
            """;
        var image = Resolve(dockerfile, stage: "image");
        Assert.Equal("r/base:1", image.FinalBase!.Reference);
        Assert.Equal(["r/base:1"], image.External.Select(e => e.Reference));
        // Without a target the last stage is built; it still starts from r/base:1 through two stages.
        Assert.Equal("r/base:1", Resolve(dockerfile).FinalBase!.Reference);
        Assert.Equal(["r/unused:9"], Resolve(dockerfile, stage: "unused").External.Select(e => e.Reference));
    }

    [Fact]
    public void COPY_from_an_image_and_RUN_mount_from_an_image_are_recorded_but_stage_sources_are_followed()
    {
        const string dockerfile = """
            FROM r/tools:2 AS tools
            FROM r/base:1 AS builder
            RUN --mount=type=bind,from=r/cache-image:3,target=/c \
                make
            FROM r/base:1
            COPY --from=builder /out /out
            COPY --from=0 /bin/tool /bin/tool
            COPY --link --from=r/extra:4 /x /x
            """;
        var images = Resolve(dockerfile);
        Assert.Equal("r/base:1", images.FinalBase!.Reference);
        Assert.Equal(
            [("r/base:1", "FROM", 5), ("r/cache-image:3", "RUN --mount", 3), ("r/tools:2", "FROM", 1), ("r/extra:4", "COPY --from", 8)],
            images.External.Select(e => (e.Reference, e.Use, e.Line)));
    }

    [Theory]
    [InlineData("FROM ${BASE:-r/fallback:1}", "r/fallback:1")]
    [InlineData("ARG BASE=\nFROM ${BASE:-r/fallback:1}", "r/fallback:1")]
    [InlineData("ARG REGISTRY=r\nARG TAG=\"24.04\"\nFROM $REGISTRY/ubuntu:${TAG}", "r/ubuntu:24.04")]
    [InlineData("ARG REGISTRY=r\nARG BASE=${REGISTRY}/ubuntu:1\nFROM ${BASE}", "r/ubuntu:1")]
    [InlineData("ARG SUFFIX\nFROM r/ubuntu${SUFFIX:+-$SUFFIX}:1", "r/ubuntu:1")]
    public void Expansion_follows_BuildKit_forms(string dockerfile, string expected) =>
        Assert.Equal(expected, Resolve(dockerfile).FinalBase!.Reference);

    [Fact]
    public void A_bake_arg_overrides_the_Dockerfile_default()
    {
        var args = new Dictionary<string, string> { ["BASE"] = "127.0.0.1:5000/base/busybox:latest", ["UNRELATED"] = "x" };
        Assert.Equal("127.0.0.1:5000/base/busybox:latest", Resolve("ARG BASE=r/default:1\nFROM ${BASE}\n", args).FinalBase!.Reference);
        Assert.Equal("127.0.0.1:5000/base/busybox:latest", Resolve("ARG BASE\nFROM $BASE\n", args).FinalBase!.Reference);
    }

    [Fact]
    public void An_unresolvable_ARG_is_one_line_naming_the_file_the_line_and_the_fix()
    {
        var error = Assert.Throws<BuildInputException>(() => Resolve("# comment\nARG BASE\n\nFROM ${BASE} AS image\n"));
        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith("images/Dockerfile:4: FROM ${BASE} expands to nothing: ARG BASE has no default and no bake arg;", error.Message);
        Assert.Contains("ARG NAME=<image>", error.Message);
        Assert.Contains("bake target's args", error.Message);
        var undeclared = Assert.Throws<BuildInputException>(() => Resolve("FROM $IMAGE\n"));
        Assert.Contains("images/Dockerfile:1:", undeclared.Message);
        Assert.Contains("ARG IMAGE is not declared before the first FROM", undeclared.Message);
    }

    [Fact]
    public void A_missing_target_stage_is_refused_naming_it()
    {
        var error = Assert.Throws<BuildInputException>(() => Resolve("FROM r/a:1 AS image\n", stage: "validate"));
        Assert.Contains("images/Dockerfile has no stage 'validate'", error.Message);
    }

    [Fact]
    public void Continuations_comments_and_heredocs_do_not_hide_or_invent_instructions()
    {
        const string dockerfile = """
            FROM r/base:1 AS a
            RUN <<EOF
            FROM r/not-an-image:1
            EOF
            RUN echo a \
            # a comment inside a continuation
                FROM r/still-not:1
            FROM a
            """;
        var images = Resolve(dockerfile);
        Assert.Equal(["r/base:1"], images.External.Select(e => e.Reference));
        Assert.Equal("r/base:1", images.FinalBase!.Reference);
    }

    [Fact]
    public void The_repository_fixture_resolves_from_its_bake_arg()
    {
        var fixture = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "tests", "fixture", "Dockerfile"));
        var images = DockerfileFromChain.Resolve(fixture, "Dockerfile", new Dictionary<string, string> { ["BASE_IMAGE"] = "r/other:2" }, "image");
        Assert.Equal("r/other:2", images.FinalBase!.Reference);
        Assert.Equal("127.0.0.1:5000/base/busybox:latest", DockerfileFromChain.Resolve(fixture, "Dockerfile", NoArgs, "validate").FinalBase!.Reference);
    }
}
