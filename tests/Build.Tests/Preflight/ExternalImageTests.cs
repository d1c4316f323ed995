using Xunit;

using BuildTests.Bake;

namespace BuildTests.Preflight;

/// <summary>Issue 22, case 4: an image the build pulls that this machine cannot pull is refused before Bake, in one line naming the fix.</summary>
public class ExternalImageTests
{
    const string Pinned = "docker.io/library/ubuntu:24.04@sha256:c35e29c9450151419d9448b0fd75374fec4fff364a27f176fb458d472dfc9e54";
    const string DnsFailure = """time="2026-12-07T09:18:37Z" level=fatal msg="Error parsing image name \"docker://docker.io/library/ubuntu@sha256:c35e29c9450151419d9448b0fd75374fec4fff364a27f176fb458d472dfc9e54\": pinging container registry registry-1.docker.io: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host" """;

    static ExternalImage Image(string reference, params string[] ids) => new(reference, "devcontainer/Dockerfile", 12, "FROM", ids.Length == 0 ? ["gcc14-clang20"] : ids);

    [Fact]
    public void Skopeo_s_error_becomes_the_reason_a_registry_does_not_answer()
    {
        Assert.Equal("registry-1.docker.io does not answer (dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host)", Skopeo.Reason(DnsFailure));
        Assert.Equal("127.0.0.1:5999 does not answer (dial tcp 127.0.0.1:5999: connect: connection refused)", Skopeo.Reason(
            """time="x" level=fatal msg="Error parsing image name \"docker://127.0.0.1:5999/x/y:1\": pinging container registry 127.0.0.1:5999: Get \"http://127.0.0.1:5999/v2/\": dial tcp 127.0.0.1:5999: connect: connection refused" """));
        Assert.Equal("reading manifest 1 in r/x: unauthorized: authentication required", Skopeo.Reason(
            """time="x" level=fatal msg="reading manifest 1 in r/x: unauthorized: authentication required" """));
        Assert.Equal("something else", Skopeo.Reason("something else\n"));
    }

    [Fact]
    public void A_pinned_reference_is_looked_up_by_name_and_digest_without_its_tag()
    {
        Assert.Equal("docker.io/library/ubuntu@sha256:c35e29c9450151419d9448b0fd75374fec4fff364a27f176fb458d472dfc9e54", Image(Pinned).LookupReference);
        Assert.Equal("127.0.0.1:5000/busybox@sha256:" + new string('a', 64), Image("127.0.0.1:5000/busybox@sha256:" + new string('a', 64)).LookupReference);
        Assert.Equal("127.0.0.1:5000/base/busybox:latest", Image("127.0.0.1:5000/base/busybox:latest").LookupReference);
        Assert.True(Image(Pinned).IsPinned);
        Assert.False(Image("127.0.0.1:5000/base/busybox:latest").IsPinned);
    }

    [Fact]
    public void An_image_the_registry_does_not_answer_with_is_unavailable_and_only_a_pinned_one_in_the_local_store_goes_ahead()
    {
        var answered = new ExternalImageAnswer(Image("r/a:1"), new RegistryAnswer("r/a:1", "{}", null), false);
        var pinnedLocal = new ExternalImageAnswer(Image(Pinned), new RegistryAnswer(Pinned, null, "h does not answer (x)"), true);
        var unreachable = new ExternalImageAnswer(Image(Pinned), new RegistryAnswer(Pinned, null, "h does not answer (x)"), false);
        var taggedLocal = new ExternalImageAnswer(Image("r/b:1"), new RegistryAnswer("r/b:1", null, "r does not answer (x)"), true);
        var absent = new ExternalImageAnswer(Image("r/c:1"), new RegistryAnswer("r/c:1", null, null), false);
        Assert.Equal([pinnedLocal, unreachable, taggedLocal, absent], Pipeline.Rules.Preflight.Unavailable([answered, pinnedLocal, unreachable, taggedLocal, absent]));
        Assert.Equal([unreachable, taggedLocal, absent], new[] { pinnedLocal, unreachable, taggedLocal, absent }.Where(Pipeline.Rules.Preflight.Refuses));
    }

    [Fact]
    public void The_line_names_the_image_where_it_is_written_why_the_bake_variable_and_the_readme()
    {
        var answer = new ExternalImageAnswer(Image(Pinned, "gcc14-clang20", "gcc14-clangp2996", "gcc15-clang20"),
            new RegistryAnswer(Pinned, null, Skopeo.Reason(DnsFailure)), false);
        Assert.Equal($"FROM image {Pinned} (devcontainer/Dockerfile:12, for 3 permutations) cannot be pulled: registry-1.docker.io does not answer " +
                     "(dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host), and the local image store does not hold it; " +
                     "set the bake variable BASE_IMAGE to an image this machine can pull, e.g. BASE_IMAGE=<registry>/ubuntu:24.04 ./build.sh " +
                     "(README, \"Building the images\").",
            Pipeline.Rules.Preflight.ExternalImageProblem(answer, ["BASE_IMAGE"]));
    }

    [Fact]
    public void Without_a_bake_variable_the_line_names_the_Dockerfile_and_one_the_local_store_holds_says_what_that_is_worth()
    {
        var absent = new ExternalImageAnswer(Image("127.0.0.1:5000/x/y:1"), new RegistryAnswer("127.0.0.1:5000/x/y:1", null, null), false);
        Assert.Equal("FROM image 127.0.0.1:5000/x/y:1 (devcontainer/Dockerfile:12, for gcc14-clang20) cannot be pulled: its registry has no such image, " +
                     "and the local image store does not hold it; change it at devcontainer/Dockerfile:12 (or the bake target's args) to an image this " +
                     "machine can pull (README, \"Building the images\").",
            Pipeline.Rules.Preflight.ExternalImageProblem(absent, []));
        var tagged = new ExternalImageAnswer(Image("127.0.0.1:5999/x/y:1", "a", "b"), new RegistryAnswer("127.0.0.1:5999/x/y:1", null, "127.0.0.1:5999 does not answer (refused)"), true);
        Assert.Equal("FROM image 127.0.0.1:5999/x/y:1 (devcontainer/Dockerfile:12, for a and b) cannot be pulled: 127.0.0.1:5999 does not answer (refused); " +
                     "the local image store holds it, but the build resolves a tag to its registry digest; set the bake variable BASE_IMAGE to an image " +
                     "this machine can pull, e.g. BASE_IMAGE=<registry>/y:1 ./build.sh (README, \"Building the images\").",
            Pipeline.Rules.Preflight.ExternalImageProblem(tagged, ["BASE_IMAGE"]));
        var pinned = new ExternalImageAnswer(Image(Pinned), new RegistryAnswer(Pinned, null, "registry-1.docker.io does not answer (no such host)"), true);
        Assert.Equal($"FROM image {Pinned} (devcontainer/Dockerfile:12, for gcc14-clang20) cannot be pulled: registry-1.docker.io does not answer (no such host); " +
                     "the local image store holds it, but BuildKit resolves a pinned image through its registry unless it resolved it before, so Bake may " +
                     "fail on it; if it does, set the bake variable BASE_IMAGE to an image this machine can pull, e.g. BASE_IMAGE=<registry>/ubuntu:24.04 " +
                     "./build.sh (README, \"Building the images\").",
            Pipeline.Rules.Preflight.ExternalImageProblem(pinned, ["BASE_IMAGE"]));
    }

    [Fact]
    public void Bake_variables_are_read_from_HCL_and_JSON_bake_files_and_found_in_a_probed_reference_by_their_markers()
    {
        Assert.Equal(["BASE_IMAGE", "P2996_REF", "LLVM_APT_REPOSITORY"], BakeVariables.Declared(RepositoryFiles.Read("docker-bake.hcl"), "docker-bake.hcl"));
        Assert.Equal(["REGISTRY", "TAG"], BakeVariables.Declared("""{"variable": {"REGISTRY": {"default": "r"}, "TAG": {}}, "target": {}}""", "bake.json"));
        Assert.Empty(BakeVariables.Declared("not json", "bake.json"));
        var probed = $"{BakeVariables.Marker("REGISTRY")}/ubuntu:{BakeVariables.Marker("TAG")}";
        Assert.Equal(["REGISTRY", "TAG"], BakeVariables.Feeding(probed, ["REGISTRY", "TAG", "OTHER"]));
        Assert.Empty(BakeVariables.Feeding("docker.io/library/ubuntu:24.04", ["REGISTRY"]));
    }

    [Fact]
    public void Docker_is_asked_whether_its_image_store_holds_an_image_by_reference() =>
        Assert.Equal(["image", "inspect", "--format", "{{.Id}}", "r/a@sha256:1"], DockerBuildx.ImageInspectArguments("r/a@sha256:1"));

    [Fact]
    public void Skopeo_s_command_timeout_bounds_each_read() =>
        Assert.Equal(["--command-timeout", "10s"], Skopeo.CommandTimeout(TimeSpan.FromSeconds(10)));
}
