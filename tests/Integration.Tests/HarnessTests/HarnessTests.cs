using Integration.Tests.Harness;
using Xunit;

namespace Integration.Tests.HarnessTests;

/// <summary>The harness's own logic, without the toolchain: the skip/fail decision, environment parsing, lookups.</summary>
public sealed class HarnessTests
{
    [Fact]
    public void Complete_toolchain_runs_the_tests()
    {
        var verdict = Toolchain.Decide([], isCi: true);
        Assert.True(verdict.Available);
        Assert.Null(verdict.SkipReason);
        Assert.Null(verdict.FailureMessage);
    }

    [Fact]
    public void Missing_toolchain_locally_skips_with_one_message_naming_the_start_command()
    {
        var verdict = Toolchain.Decide(["dockerd (docker info)", "registry at 127.0.0.1:5000"], isCi: false);
        Assert.False(verdict.Available);
        Assert.Null(verdict.FailureMessage);
        Assert.Equal(
            "Container toolchain not running (missing: dockerd (docker info), registry at 127.0.0.1:5000); start it with: " +
            "../shared/tools/container-toolchain start && eval \"$(../shared/tools/container-toolchain env)\"",
            verdict.SkipReason);
        Assert.DoesNotContain('\n', verdict.SkipReason);
    }

    [Fact]
    public void Missing_toolchain_in_CI_fails_instead_of_skipping()
    {
        var verdict = Toolchain.Decide(["skopeo on PATH"], isCi: true);
        Assert.False(verdict.Available);
        Assert.Null(verdict.SkipReason);
        Assert.Contains("CI=true", verdict.FailureMessage);
        Assert.Contains("missing: skopeo on PATH", verdict.FailureMessage);
        Assert.Contains("container-toolchain start", verdict.FailureMessage);
        Assert.Contains("test.yml's toolchain job", verdict.FailureMessage);
        Assert.DoesNotContain('\n', verdict.FailureMessage!);
    }

    [Fact]
    public void Real_image_tests_skip_locally_naming_what_is_missing_and_how_to_get_it()
    {
        var verdict = RealImageRequirements.Decide(["the devcontainer CLI (DEVCONTAINER_CLI, .ci/devcontainer-cli or PATH)"], isCi: false);
        Assert.False(verdict.Available);
        Assert.Null(verdict.FailureMessage);
        Assert.StartsWith("Real-image tests need (missing: the devcontainer CLI", verdict.SkipReason);
        Assert.Contains("npm ci --prefix .ci/devcontainer-cli", verdict.SkipReason);
        Assert.Contains("container-toolchain start", verdict.SkipReason);
    }

    [Fact]
    public void Real_image_tests_fail_in_CI_when_something_is_missing_and_run_when_nothing_is()
    {
        var verdict = RealImageRequirements.Decide(["base image 127.0.0.1:5000/base/ubuntu:24.04"], isCi: true);
        Assert.False(verdict.Available);
        Assert.Null(verdict.SkipReason);
        Assert.Contains("CI=true", verdict.FailureMessage);
        Assert.Contains("missing: base image 127.0.0.1:5000/base/ubuntu:24.04", verdict.FailureMessage);
        Assert.True(RealImageRequirements.Decide([], isCi: true).Available);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void CI_variable_is_read_as_GitHub_and_our_CI_set_it(string? value, bool expected) =>
        Assert.Equal(expected, Toolchain.IsCi(value));

    [Fact]
    public void IntegrationFact_skips_exactly_when_the_verdict_says_skip()
    {
        var attribute = new IntegrationFactAttribute();
        Assert.Equal(Toolchain.Verdict.SkipReason, attribute.Skip);
        Assert.Equal(Toolchain.Verdict.Available || Toolchain.IsCi(Environment.GetEnvironmentVariable("CI")), attribute.Skip is null);
    }

    [Fact]
    public void Toolchain_env_output_is_parsed_with_PATH_expanded()
    {
        const string printed = """
            export PATH="/opt/container-toolchain/bin:$PATH"
            export DOCKER_HOST=unix:///var/lib/container-toolchain/docker.sock
            export DOCKER_CONFIG=/var/lib/container-toolchain/docker-config
            export CONTAINER_TOOLCHAIN_REGISTRY=127.0.0.1:5000
            container-toolchain: a log line that is not an export
            """;
        var variables = ToolchainEnvironment.Parse(printed, "/usr/bin:/bin");
        Assert.Equal("/opt/container-toolchain/bin:/usr/bin:/bin", variables["PATH"]);
        Assert.Equal("unix:///var/lib/container-toolchain/docker.sock", variables["DOCKER_HOST"]);
        Assert.Equal("/var/lib/container-toolchain/docker-config", variables["DOCKER_CONFIG"]);
        Assert.Equal("127.0.0.1:5000", variables["CONTAINER_TOOLCHAIN_REGISTRY"]);
        Assert.Equal(4, variables.Count);
    }

    [Fact]
    public void Executables_are_looked_up_on_the_given_PATH_not_the_test_process_PATH()
    {
        var directory = Directory.CreateTempSubdirectory("harness-path-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "only-here"), "");
            Assert.Equal(Path.Combine(directory, "only-here"), ProcessRunner.FindExecutable("only-here", "/nonexistent:" + directory));
            Assert.Null(ProcessRunner.FindExecutable("only-here", "/usr/bin"));
            Assert.Equal("/abs/tool", ProcessRunner.FindExecutable("/abs/tool", null));
        }
        finally { Directory.Delete(directory, true); }
    }

    [Fact]
    public void Each_test_registry_namespace_is_unique_and_under_the_toolchain_registry()
    {
        using var first = new TestRegistry();
        using var second = new TestRegistry();
        Assert.NotEqual(first.Namespace, second.Namespace);
        Assert.Matches("^it-[0-9a-f]{12}$", first.Namespace);
        Assert.Equal($"{ToolchainEnvironment.RegistryAddress}/{first.Namespace}/devcontainer", first.Repository());
        Assert.Equal($"{first.Namespace}/devcontainer", first.RepositoryPath());
    }

    [Fact]
    public void Index_platforms_exclude_buildx_attestation_entries()
    {
        var index = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:aa","size":1,"platform":{"architecture":"amd64","os":"linux"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:bb","size":1,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:cc","size":1,"platform":{"architecture":"unknown","os":"unknown"}}]}
            """u8.ToArray();
        var manifest = new RegistryManifest(RegistryManifest.Sha256(index), "application/vnd.oci.image.index.v1+json", index);
        Assert.Equal(["linux/amd64", "linux/arm64/v8"], manifest.Platforms);
        Assert.Equal("sha256:bb", manifest.PlatformDigests["linux/arm64"]);
        Assert.Equal(2, manifest.PlatformDigests.Count);
    }
}
