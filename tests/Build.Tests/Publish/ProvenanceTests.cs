using System.Text.Json.Nodes;
using Xunit;

namespace BuildTests.Publish;

public class ProvenanceTests
{
    static readonly RunIdentity Local = new(Provenance.LocalBuilderId, "urn:uuid:00000000-0000-0000-0000-000000000001", new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    static ProvenanceInputs Inputs(RunIdentity run) => new("gcc15-clangp2996", "https://github.com/acme/devcontainer-pipeline", "refs/heads/main", new string('c', 40),
        "docker-bake.hcl", ManifestSamples.Digest('b'),
        [new PlatformOverride("linux/amd64", ManifestSamples.Digest('o')), new PlatformOverride("linux/arm64", ManifestSamples.Digest('o'))], ["linux/amd64", "linux/arm64"],
        new BaseImage("127.0.0.1:5000/base/busybox:latest", ManifestSamples.Digest('4')), "push", run);

    [Fact]
    public void Predicate_has_the_slsa_v1_shape_of_the_reference_example()
    {
        var reference = JsonNode.Parse(PublishFixtures.Read("slsa-provenance-v1-example.json"))!["predicate"]!.AsObject();
        var predicate = Provenance.Predicate(Inputs(Local));
        Assert.Equal(reference.Select(p => p.Key).Order(), predicate.Select(p => p.Key).Order());
        Assert.Equal(reference["buildDefinition"]!.AsObject().Select(p => p.Key).Order(), predicate["buildDefinition"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal(reference["runDetails"]!["metadata"]!.AsObject().Select(p => p.Key).Order(), predicate["runDetails"]!["metadata"]!.AsObject().Select(p => p.Key).Order());
    }

    [Fact]
    public void Records_source_commit_base_image_digest_and_bake_inputs()
    {
        var predicate = Provenance.Predicate(Inputs(Local));
        var dependencies = predicate["buildDefinition"]!["resolvedDependencies"]!.AsArray();
        Assert.Equal("git+https://github.com/acme/devcontainer-pipeline@refs/heads/main", (string)dependencies[0]!["uri"]!);
        Assert.Equal(new string('c', 40), (string)dependencies[0]!["digest"]!["gitCommit"]!);
        Assert.Equal("pkg:docker/127.0.0.1:5000/base/busybox:latest", (string)dependencies[1]!["uri"]!);
        Assert.Equal(new string('4', 64), (string)dependencies[1]!["digest"]!["sha256"]!);
        var external = predicate["buildDefinition"]!["externalParameters"]!;
        Assert.Equal("gcc15-clangp2996", (string)external["target"]!);
        Assert.Equal(2, external["platforms"]!.AsArray().Count);
        Assert.Equal("2026-11-23T12:00:00Z", (string)predicate["runDetails"]!["metadata"]!["startedOn"]!);
    }

    [Fact]
    public void The_source_says_whether_the_tree_had_uncommitted_changes_and_a_repository_without_remote_is_a_git_file_uri()
    {
        var clean = Provenance.Predicate(Inputs(Local))["buildDefinition"]!["externalParameters"]!["source"]!;
        Assert.Equal(("https://github.com/acme/devcontainer-pipeline", false), ((string?)clean["uri"], (bool)clean["dirty"]!));

        var local = Provenance.Predicate(Inputs(Local) with { SourceUrl = "git+file:///home/dev/devcontainer-pipeline", Dirty = true })["buildDefinition"]!;
        Assert.Equal(("git+file:///home/dev/devcontainer-pipeline", true), ((string?)local["externalParameters"]!["source"]!["uri"], (bool)local["externalParameters"]!["source"]!["dirty"]!));
        Assert.Equal("git+file:///home/dev/devcontainer-pipeline@refs/heads/main", (string?)local["resolvedDependencies"]![0]!["uri"]);
    }

    [Fact]
    public void One_bake_for_every_platform_records_its_one_override()
    {
        var parameters = Provenance.Predicate(Inputs(Local))["buildDefinition"]!["internalParameters"]!.AsObject();
        Assert.Equal(ManifestSamples.Digest('o'), (string)parameters["bakeOverrideDigest"]!);
        Assert.False(parameters.ContainsKey("bakeOverrideDigests"));
    }

    [Fact]
    public void Per_platform_builds_record_the_override_each_platform_ran()
    {
        var perPlatform = Inputs(Local) with { BakeOverrides = [new("linux/amd64", ManifestSamples.Digest('1')), new("linux/arm64", ManifestSamples.Digest('2'))] };
        var parameters = Provenance.Predicate(perPlatform)["buildDefinition"]!["internalParameters"]!.AsObject();
        Assert.False(parameters.ContainsKey("bakeOverrideDigest"));
        Assert.Equal(ManifestSamples.Digest('1'), (string)parameters["bakeOverrideDigests"]!["linux/amd64"]!);
        Assert.Equal(ManifestSamples.Digest('2'), (string)parameters["bakeOverrideDigests"]!["linux/arm64"]!);
    }

    [Fact]
    public void Records_every_external_image_with_how_it_is_used_and_its_platform_digests()
    {
        var busybox = new ResolvedImage("127.0.0.1:5000/base/busybox:latest", ManifestSamples.Digest('4'),
            [new PlatformDigest("linux/amd64", ManifestSamples.Digest('5')), new PlatformDigest("linux/arm64", ManifestSamples.Digest('6'))], "FROM");
        var tools = new ResolvedImage("r/tools:2", ManifestSamples.Digest('7'), [], "COPY --from");
        var dependencies = Provenance.Predicate(Inputs(Local) with { Images = [busybox, tools] })["buildDefinition"]!["resolvedDependencies"]!.AsArray();
        Assert.Equal(3, dependencies.Count);
        Assert.Equal("base-image", (string)dependencies[1]!["name"]!);
        Assert.Equal("FROM", (string)dependencies[1]!["annotations"]!["use"]!);
        Assert.Equal(ManifestSamples.Digest('6'), (string)dependencies[1]!["annotations"]!["platforms"]!["linux/arm64"]!);
        Assert.Equal("pkg:docker/r/tools:2", (string)dependencies[2]!["uri"]!);
        Assert.Equal("build-image", (string)dependencies[2]!["name"]!);
        Assert.Equal(new string('7', 64), (string)dependencies[2]!["digest"]!["sha256"]!);
        Assert.Equal("COPY --from", (string)dependencies[2]!["annotations"]!["use"]!);
        // An image built FROM scratch has no base image to record.
        Assert.Single(Provenance.Predicate(Inputs(Local) with { BaseImage = null, Images = [] })["buildDefinition"]!["resolvedDependencies"]!.AsArray());
    }

    [Fact]
    public void Run_identity_comes_from_github_actions_when_present_else_local()
    {
        var env = new Dictionary<string, string?>
        {
            ["GITHUB_SERVER_URL"] = "https://github.com", ["GITHUB_REPOSITORY"] = "acme/dp", ["GITHUB_RUN_ID"] = "42", ["GITHUB_RUN_ATTEMPT"] = "2",
            ["GITHUB_WORKFLOW_REF"] = "acme/dp/.github/workflows/publish.yml@refs/heads/main",
        };
        var github = RunIdentity.Detect(env.GetValueOrDefault, DateTimeOffset.UnixEpoch, Guid.NewGuid);
        Assert.Equal("https://github.com/acme/dp/.github/workflows/publish.yml@refs/heads/main", github.BuilderId);
        Assert.Equal("https://github.com/acme/dp/actions/runs/42/attempts/2", github.InvocationId);
        var local = RunIdentity.Detect(_ => null, DateTimeOffset.UnixEpoch, () => Guid.Empty);
        Assert.Equal(Provenance.LocalBuilderId, local.BuilderId);
        Assert.Equal("urn:uuid:00000000-0000-0000-0000-000000000000", local.InvocationId);
    }
}
