using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Bake;

public sealed class BakeTests(ITestOutputHelper output) : BakeScenario(output)
{
    [IntegrationFact]
    public async Task One_bake_builds_two_permutations_for_two_platforms_into_archives_with_commit_time_labels()
    {
        var result = await RunOnFixtureAsync(GitHubEvent.Push(WorkDirectory, branch: "feature"), "Bake", "--permutations", "gcc14-clang20", "gcc15-clangp2996", "--cache", "none",
            "--image-output", "archive");
        AssertSucceeded(result, "Bake");

        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(ArtifactsDirectory, "bake-metadata.json")))!;
        foreach (var id in new[] { "gcc14-clang20", "gcc15-clangp2996" })
        {
            Assert.Equal(["linux/amd64", "linux/arm64"], OciArchiveReader.Platforms(Archive(id)).Order(StringComparer.Ordinal));
            Assert.Equal(metadata[id]!["containerimage.digest"]!.GetValue<string>(), OciArchiveReader.IndexDigest(Archive(id)));
            foreach (var platform in new[] { "linux/amd64", "linux/arm64" })
            {
                var labels = ImageConfig(Archive(id), platform)["config"]!["Labels"]!;
                Assert.Equal(GitHubEvent.CommitTimestamp, labels["org.opencontainers.image.created"]!.GetValue<string>());
                Assert.Equal(GitHubEvent.Sha, labels["org.opencontainers.image.revision"]!.GetValue<string>());
                Assert.Equal("https://github.com/acme/devcontainers", labels["org.opencontainers.image.source"]!.GetValue<string>());
                Assert.StartsWith("sha256:", labels["org.opencontainers.image.base.digest"]!.GetValue<string>());
                Assert.Equal(id, labels["dev.fixture.permutation"]!.GetValue<string>());
            }
            Assert.Equal(GitHubEvent.CommitTimestamp, ImageConfig(Archive(id), "linux/amd64")["created"]!.GetValue<string>().Replace(".000000000", ""));
        }
        Assert.False(File.Exists(Archive("gcc15-clang20")), "an unselected permutation was built");
        Assert.Empty(Directory.GetFiles(Path.Combine(ArtifactsDirectory, "images"), "*.partial"));

        // Everything decided is in artifacts/: the override bake used and the plan.
        var overrideFile = JsonNode.Parse(File.ReadAllText(Path.Combine(ArtifactsDirectory, "bake.override.json")))!["target"]!;
        // bake writes under a temporary name; Bake renames it once complete (and none is left behind).
        Assert.Equal($"type=oci,dest={Archive("gcc14-clang20")}.partial", overrideFile["gcc14-clang20"]!["output"]![0]!.GetValue<string>());
        var plan = File.ReadAllText(Path.Combine(ArtifactsDirectory, "bake-plan.txt"));
        Assert.Contains("mode=Local", plan);
        Assert.Contains("tags: none", plan);
        Assert.Contains("Bake plan", result.Output);
        Assert.Empty(await Registry.Client.TagsAsync(CacheRepositoryPath));
    }

    [IntegrationFact]
    public async Task A_local_Bake_without_platforms_builds_this_machine_s_platform_only_and_says_how_to_build_them_all()
    {
        var native = PlatformDefault.Native(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture)!;
        var local = new Dictionary<string, string?> { ["CI"] = null };
        var plan = await RunOnFixtureAsync(local, "Bake", "--permutations", "gcc14-clang20", "--cache", "none", "--plan");
        var note = $"platforms: {native} only, this machine's own (a local run that publishes nothing; CI and Publish build every platform of each " +
                   "permutation); to build them all, pass --platforms linux/amd64 linux/arm64";
        Assert.Contains(note, plan.Output);
        Assert.Contains($"  platforms: {native}\n", plan.Output);

        var result = await RunOnFixtureAsync(local, "Bake", "--permutations", "gcc14-clang20", "--cache", "none");
        AssertSucceeded(result, "Bake");
        Assert.Contains("Bake " + note, result.Output);
        Assert.Equal([native], Pushed("gcc14-clang20").Platforms);

        // --plan of a local Publish keeps every platform: what is published is whole. (It signs with a key, or the plan
        // is refused as the run would be; --allow-dirty: the checkout running the tests may have uncommitted changes.)
        var (key, _) = await KeyPairAsync("plan", "it-plan-pw");
        local["COSIGN_PASSWORD"] = "it-plan-pw";
        var publish = await RunOnFixtureAsync(local, "Publish", "--permutations", "gcc14-clang20", "--cache", "none", "--cosign-key", key, "--allow-dirty", "--plan");
        Assert.Equal(0, publish.ExitCode);
        Assert.DoesNotContain("this machine's own", publish.Output);
        Assert.Contains("  platforms: linux/amd64, linux/arm64\n", publish.Output);
    }

    [IntegrationFact]
    public async Task By_default_buildkit_pushes_each_image_untagged_and_nothing_streams_through_the_client()
    {
        var result = await RunOnFixtureAsync(GitHubEvent.Push(WorkDirectory, branch: "feature"), "Bake", "--permutations", "gcc14-clang20", "--cache", "none");
        AssertSucceeded(result, "Bake");

        // The docker driver (this machine's only one) cannot push by digest: the image went under a temporary tag.
        var image = Pushed("gcc14-clang20");
        Assert.Equal(Registry.Repository(), image.Repository);
        Assert.Equal("unpublished-gcc14-clang20", image.TemporaryTag);
        Assert.Equal(["linux/amd64", "linux/arm64"], image.Platforms);
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(ArtifactsDirectory, "bake-metadata.json")))!;
        Assert.Equal(metadata["gcc14-clang20"]!["containerimage.digest"]!.GetValue<string>(), image.Digest);
        var index = await Registry.Client.ManifestAsync(Registry.RepositoryPath(), image.Digest);
        Assert.NotNull(index);
        Assert.Equal("application/vnd.oci.image.index.v1+json", index.MediaType); // OCI media types, as in an archive
        Assert.Equal(image.Digest, (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), "unpublished-gcc14-clang20"))!.Digest);
        // The index copy beside the record is the registry's, byte for byte; no archive was written.
        Assert.Equal(index.Bytes, File.ReadAllBytes(Path.Combine(ArtifactsDirectory, "images", "gcc14-clang20.index.json")));
        Assert.Empty(Directory.GetFiles(ArtifactsDirectory, "*.tar*", SearchOption.AllDirectories));
        foreach (var platform in new[] { "linux/amd64", "linux/arm64" })
        {
            var labels = (await RegistryImageConfig(image, platform))["config"]!["Labels"]!;
            Assert.Equal(GitHubEvent.Sha, labels["org.opencontainers.image.revision"]!.GetValue<string>());
            Assert.Equal(GitHubEvent.CommitTimestamp, labels["org.opencontainers.image.created"]!.GetValue<string>());
        }
        Assert.Equal(GitHubEvent.Sha, (string?)index.Json["annotations"]?["org.opencontainers.image.revision"]);
        var overrideFile = JsonNode.Parse(File.ReadAllText(Path.Combine(ArtifactsDirectory, "bake.override.json")))!["target"]!;
        Assert.Equal($"type=image,name={Registry.Repository()}:unpublished-gcc14-clang20,push=true,oci-mediatypes=true,registry.insecure=true",
            overrideFile["gcc14-clang20"]!["output"]![0]!.GetValue<string>());
        Assert.Contains($"image: {Registry.Repository()}:unpublished-gcc14-clang20 (temporary tag)", File.ReadAllText(Path.Combine(ArtifactsDirectory, "bake-plan.txt")));
        Assert.DoesNotContain("exporting to oci image format", BuildLog()); // nothing is sent to the client as an archive
    }

    [IntegrationFact]
    public async Task A_pull_request_without_a_staging_registry_starts_one_with_the_pinned_registry_image()
    {
        // The pinned image (Docker Hub's) is out of reach here, and asking for it would leave loopback; a mirror on the
        // toolchain's registry that lacks it fails the same way, in one line naming the ways out.
        Build.Environment["NUKE_STAGING_REGISTRY"] = null;
        var mirror = $"{Registry.Prefix}/registry@sha256:{new string('0', 64)}";
        var result = await RunOnFixtureAsync(GitHubEvent.PullRequest(WorkDirectory, 9), "Bake", "--permutations", "gcc14-clang20", "--cache", "none",
            "--staging-registry-image", mirror);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("a pull request pushes nothing to", result.Output);
        Assert.Contains($"> docker run --detach --rm --name devcontainer-pipeline-staging-", BuildLog()); // tool lines are the log file's
        Assert.Contains($"--publish 127.0.0.1::5000 {mirror}", BuildLog());
        var error = Assert.Single(result.Output.Split('\n'), l => l.Contains("Target Bake failed: "));
        Assert.Contains($"Could not start a staging registry ({mirror}): Error response from daemon:", error);
        Assert.Contains("pass --staging-registry <host:port> of a running registry (e.g. 127.0.0.1:5000), --staging-registry-image <a mirror of it, by digest>, " +
                        "or keep images as archives with --image-output archive.", error);
        Assert.Empty(await Registry.Client.TagsAsync(Registry.RepositoryPath()));
    }

    [IntegrationFact]
    public async Task A_staging_registry_image_not_pinned_by_digest_is_refused_before_anything_runs()
    {
        var result = await RunOnFixtureAsync(GitHubEvent.PullRequest(WorkDirectory, 9), "Bake", "--permutations", "gcc14-clang20", "--cache", "none",
            "--staging-registry-image", "registry:2");
        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.Output.Split('\n'), l => l.StartsWith("ERROR:"));
        Assert.Contains("--staging-registry-image 'registry:2' is not pinned by digest", error);
        var log = Path.Combine(ArtifactsDirectory, "logs", "build.log");
        Assert.DoesNotContain("> docker run", File.Exists(log) ? BuildLog() : "");
    }

    [IntegrationFact]
    public async Task A_bake_file_without_the_selected_permutation_is_refused_in_one_line()
    {
        var broken = Path.Combine(WorkDirectory, "fixture");
        Directory.CreateDirectory(broken);
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Fixture, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(broken, Path.GetRelativePath(RepoPaths.Fixture, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var hcl = Path.Combine(broken, "docker-bake.hcl");
        File.WriteAllText(hcl, File.ReadAllText(hcl).Replace("target \"gcc15-clang20\"", "target \"gcc15-clang21\""));
        var result = await Build.RunAsync(["Bake", "--bake-file", hcl, "--permutations", "gcc15-clang20", "--registry", Registry.Prefix,
            "--artifacts", ArtifactsDirectory, "--cache", "none"], null, null, null);
        Assert.Equal(2, result.ExitCode);
        var errors = result.Output.Split('\n').Where(line => line.StartsWith("ERROR:")).ToList();
        var error = Assert.Single(errors);
        Assert.Contains($"--bake-file {hcl} has no target 'gcc15-clang20'", error);
        Assert.Contains("drop gcc15-clang20 from --permutations", error);
    }

    [IntegrationFact]
    public async Task Ctrl_C_during_a_bake_stops_buildx_removes_what_it_began_and_exits_130()
    {
        // A build step that would take a minute, so the interrupt lands while buildx builds.
        var bakeFile = RepoPaths.CopyFixture(WorkDirectory);
        var dockerfile = Path.Combine(Path.GetDirectoryName(bakeFile)!, "Dockerfile");
        File.WriteAllText(dockerfile, File.ReadAllText(dockerfile).Replace("COPY compilers/ /opt/fixture/\n",
            "COPY compilers/ /opt/fixture/\nRUN echo \"$FIXTURE_STAMP\" > /slow && sleep 60\n"));
        var result = await Build.RunAsync(["Bake", "--bake-file", bakeFile, "--permutations", "gcc14-clang20", "--platforms", "linux/amd64",
            "--registry", Registry.Prefix, "--artifacts", ArtifactsDirectory, "--cache", "none", "--force", "--no-logo"],
            null, ColdCache.Environment, null, interruptOn: "> docker buildx bake");
        Assert.Equal(130, result.ExitCode);
        Assert.Contains("WRN: Interrupted (Ctrl-C): stopping the running tools and cleaning up", result.Output);
        Assert.Contains("ERR: Target Bake was interrupted (Ctrl-C): its tools were stopped", result.Output);
        Assert.DoesNotContain("Target Bake failed", result.Output);
        Assert.Matches(@"\nBake\s+Aborted\s", result.Output);
        Assert.Contains("Build interrupted on ", result.Output);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(ArtifactsDirectory, "images"))); // neither the archive nor its .partial
    }
}
