using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Rehearsal;

/// <summary>
/// Issue 12's rehearsal: the generated build-devcontainer.yml run job by job on this machine (see WorkflowRehearsal)
/// against a registry that requires credentials, on the fixture, for one permutation on linux/amd64 and linux/arm64.
/// Today's workflow publishes signed images from the registry on a push to main (the images moved by digest, never as
/// artifacts), publishes nothing from a pull request (whose jobs only read the registry), and on a later push with
/// unchanged inputs builds nothing and only tags the published digest; the workflow
/// before issue 12 fails for the first reason the issue names (no registry login).
/// </summary>
[Collection(RehearsalSetup.Collection)]
public sealed class WorkflowRehearsalTests(ITestOutputHelper output) : RehearsalTest(output, "rehearsal")
{
    const string Permutation = "gcc14-clang20";
    static WorkflowDefinition Current => Workflow("build-devcontainer.yml");

    static WorkflowDefinition PreIssue12 => WorkflowDefinition.Parse(File.ReadAllText(
        Path.Combine(RepoPaths.Root, "tests", "Integration.Tests", "Rehearsal", "Workflows", "build-devcontainer.pre-issue-12.yml")));

    async Task<RehearsalReport> RehearseAsync(WorkflowDefinition workflow, RehearsalEvent @event, string runName, params string[] permutations)
    {
        var machine = Setup.Machine(runName, permutations, Log);
        machine.Variables["DEVCONTAINER_REGISTRY_HOST"] = Setup.Registry.Address;
        return await RehearseAsync(workflow, @event, machine, runName);
    }

    [IntegrationFact]
    public async Task Todays_workflow_publishes_signed_images_from_main_and_nothing_from_a_same_repository_pull_request()
    {
        var push = await RehearseAsync(Current, RehearsalEvent.PushToMain(Setup.Sha, RehearsalSetup.Repository), "push", Permutation);
        Assert.True(push.Succeeded, push.Summary);
        Assert.Equal(["build", "build", "merge", "publish"], push.Jobs.Where(j => j.Result != "skipped").Select(j => j.Id));
        Assert.All(push.Of("build"), j => Assert.Equal("write", j.Permissions["packages"]));
        // BuildKit pushed each platform image itself, untagged for publishing: by digest, or (the docker driver here; CI's
        // setup-buildx builder pushes by digest) under its temporary unpublished-<id>-<arch> tag; their artifacts carry the
        // small pushed-image records, not archives.
        Assert.All(push.Of("build"), j =>
        {
            var puts = j.RegistryRequests.Where(r => r.Method == "PUT" && r.Path.Contains("/devcontainer/manifests/")).ToList();
            Assert.NotEmpty(puts);
            Assert.All(puts, r => Assert.Matches("/devcontainer/manifests/(sha256:|unpublished-gcc14-clang20-(amd64|arm64)$)", r.Path));
        });
        // The merge job moved no image bytes: it put exactly one manifest, the merged index, by its digest, and read the rest.
        var merge = push.Of("merge").Single();
        // (A client's first try without credentials is answered 401, as any registry challenges; the authenticated one counts.)
        var mergePut = Assert.Single(merge.RegistryRequests, r => r.Method is not ("GET" or "HEAD") && r.Status < 400);
        Assert.Equal("PUT", mergePut.Method);
        Assert.Matches("/devcontainer/manifests/sha256:[0-9a-f]{64}$", mergePut.Path);

        // Each job's artifact is named after its folder and holds what its targets produce there, rooted at that folder.
        var artifacts = Path.Combine(Scratch, "push", "artifacts");
        Assert.Equal([$"{Permutation}-amd64", $"{Permutation}-arm64", $"permutation-{Permutation}", "published-manifest"],
            System.IO.Directory.GetDirectories(artifacts).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var arch in new[] { "amd64", "arm64" })
        {
            Assert.True(File.Exists(Path.Combine(artifacts, $"{Permutation}-{arch}", "pushed", $"{Permutation}.json")), $"{arch}: no pushed-image record");
            Assert.Empty(System.IO.Directory.GetFiles(Path.Combine(artifacts, $"{Permutation}-{arch}"), "*.tar*", SearchOption.AllDirectories));
        }
        Assert.True(File.Exists(Path.Combine(artifacts, $"permutation-{Permutation}", "provenance", $"{Permutation}.slsa.json")));
        var published = JsonNode.Parse(File.ReadAllText(Path.Combine(artifacts, "published-manifest", "manifest.json")))!;
        var entry = published["permutations"]!.AsArray().Single()!;
        var digest = (string)entry["digest"]!;
        Assert.Equal(Setup.Sha, (string)published["sha"]!);
        var images = await TagsAsync("devcontainer");
        Assert.Equal(digest, images[Permutation]);
        Assert.Equal(digest, images[$"{Setup.Sha}-{Permutation}"]);
        Assert.Contains(images.Keys, t => t == digest.Replace(':', '-') + ".sig");
        Assert.EndsWith("/devcontainer/manifests/" + digest, mergePut.Path);
        // Publish found the image in the registry and pushed no bytes of it; it signed, attested and tagged it there.
        Assert.DoesNotContain(push.Of("publish").Single().RegistryRequests, r => r.Method == "PUT" && r.Path.EndsWith("/devcontainer/manifests/" + digest));
        var verify = await CosignVerifyAsync($"{Setup.RegistryPrefix}/devcontainer@{digest}");
        Assert.True(verify.Succeeded, "cosign verify --key failed: " + verify.Output);
        foreach (var platform in entry["platforms"]!.AsArray())
            Assert.Contains(images.Keys, t => t == ((string)platform!["digest"]!).Replace(':', '-') + ".sbom"); // each platform's SBOM beside it
        var cache = await TagsAsync("devcontainer-cache");
        var caches = cache.Where(t => !t.Key.StartsWith("sha256-", StringComparison.Ordinal)).ToList();
        Assert.Equal([$"{Permutation}-main-amd64", $"{Permutation}-main-arm64"], caches.Select(c => c.Key));
        // Each platform job signed the cache it exported, by digest (CachePolicy.Trust.cs), and nothing else is there.
        Assert.Equal(caches.Select(c => c.Value.Replace(':', '-') + ".sig").Order(StringComparer.Ordinal),
            cache.Keys.Where(t => t.StartsWith("sha256-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        var lkg = await ProcessRunner.RunAsync("git", ["--git-dir", Setup.Origin, "tag", "-l", "--format=%(contents)", "lkg"]);
        Assert.Contains(digest, lkg.StandardOutput); // the pin moved to what was published

        // The pull request changes an image input (unchanged, its platform jobs would reuse main's image, as a push does below).
        const string input = "tests/fixture/compilers/gcc.in";
        var changed = await Setup.CommitAsync($"refs/pull/{RehearsalSetup.PullRequestNumber}/merge", input, await Setup.ShowAsync(input) + "# changed in the pull request\n");
        var pullRequest = await RehearseAsync(Current, RehearsalEvent.PullRequest(RehearsalSetup.PullRequestNumber, changed, RehearsalSetup.Repository), "pr", Permutation);
        Assert.True(pullRequest.Succeeded, pullRequest.Summary);
        // Read-only: each platform job built, validated, scanned and SBOMed its own platform, staged on the runner; nothing merged.
        Assert.Equal(["build-pr", "build-pr"], pullRequest.Jobs.Where(j => j.Result != "skipped").Select(j => j.Id));
        Assert.All(pullRequest.Jobs.Where(j => j.Result != "skipped"), j => Assert.NotEqual("write", j.Permissions.GetValueOrDefault("packages")));
        Assert.All(pullRequest.Jobs.SelectMany(j => j.RegistryRequests), r => Assert.Contains(r.Method, new[] { "GET", "HEAD" }));
        var prArtifacts = Path.Combine(Scratch, "pr", "artifacts");
        Assert.Equal([$"{Permutation}-amd64", $"{Permutation}-arm64"], System.IO.Directory.GetDirectories(prArtifacts).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var arch in new[] { "amd64", "arm64" })
        {
            var job = Path.Combine(prArtifacts, $"{Permutation}-{arch}");
            Assert.Empty(System.IO.Directory.GetFiles(job, "*.tar*", SearchOption.AllDirectories)); // reports and records only
            Assert.True(File.Exists(Path.Combine(job, "scan", $"{Permutation}.linux-{arch}.json")), $"{arch}: no scan report");
            Assert.True(File.Exists(Path.Combine(job, "sbom", $"{Permutation}.linux-{arch}.cdx.json")), $"{arch}: no SBOM");
            Assert.StartsWith($"{ToolchainEnvironment.RegistryAddress}/{Setup.Namespace}-staging/devcontainer@",
                Pipeline.Model.PushedImageStore.Read(Path.Combine(job, "pushed", $"{Permutation}.json")).Reference);
        }
        Assert.Equal(images, await TagsAsync("devcontainer"));
        Assert.Equal(cache, await TagsAsync("devcontainer-cache"));

        // A second push to main, at a new commit that changes no image input: every platform job reuses the published
        // image (nothing built, nothing pushed), the merge job passes its index and SBOM on, and Publish tags the same digest.
        var next = await Setup.CommitAsync("refs/heads/main", "NOTES.md", "not an image input\n");
        var again = await RehearseAsync(Current, RehearsalEvent.PushToMain(next, RehearsalSetup.Repository), "push-again", Permutation);
        Assert.True(again.Succeeded, again.Summary);
        Assert.Equal(["build", "build", "merge", "publish"], again.Jobs.Where(j => j.Result != "skipped").Select(j => j.Id));
        Assert.All(again.Of("build").Concat(again.Of("merge")), j => Assert.DoesNotContain(j.RegistryRequests, r => r.Method is "PUT" or "POST" or "PATCH" or "DELETE"));
        var againArtifacts = Path.Combine(Scratch, "push-again", "artifacts");
        foreach (var arch in new[] { "amd64", "arm64" })
        {
            var job = Path.Combine(againArtifacts, $"{Permutation}-{arch}");
            Assert.True(Pipeline.Model.PushedImageStore.Read(Path.Combine(job, "pushed", $"{Permutation}.json")).KeptEvidence, $"{arch} did not reuse the published image's evidence");
            Assert.Equal(digest, Pipeline.Model.ContentDigest.Sha256(File.ReadAllBytes(Path.Combine(job, "images", $"{Permutation}.index.json"))));
        }
        var republished = JsonNode.Parse(File.ReadAllText(Path.Combine(againArtifacts, "published-manifest", "manifest.json")))!;
        Assert.Equal(next, (string)republished["sha"]!);
        Assert.Equal(digest, (string)republished["permutations"]!.AsArray().Single()!["digest"]!);
        var retagged = await TagsAsync("devcontainer");
        Assert.Equal(digest, retagged[Permutation]);
        Assert.Equal(digest, retagged[$"{next}-{Permutation}"]);
        Assert.Equal(cache, await TagsAsync("devcontainer-cache")); // nothing built, no cache written
        var verifyAgain = await CosignVerifyAsync($"{Setup.RegistryPrefix}/devcontainer:{next}-{Permutation}");
        Assert.True(verifyAgain.Succeeded, "cosign verify --key failed: " + verifyAgain.Output);
    }

    [IntegrationFact]
    public async Task The_workflow_before_issue_12_fails_without_registry_login()
    {
        var push = await RehearseAsync(PreIssue12, RehearsalEvent.PushToMain(Setup.Sha, RehearsalSetup.Repository), "pre-issue-12", "gcc14-clang20", "gcc15-clang20");
        Assert.False(push.Succeeded);
        var builds = push.Of("build");
        Assert.Equal(2, builds.Count);
        // No packages permission and no login: the cache read is refused, and so is the push of the image itself (which
        // BuildKit now makes from Bake), so no build job succeeds and nothing reaches the publish job (whose merge-multiple
        // download of colliding artifacts was the workflow's other failure before images moved through the registry).
        Assert.All(builds, b =>
        {
            Assert.False(b.Permissions.ContainsKey("packages"));
            Assert.Contains(b.Refused, r => r.Status == 401 && r.Path.Contains("/devcontainer-cache/"));
            Assert.Contains(b.Refused, r => r.Status == 401 && r.Path.Contains("/devcontainer/blobs/"));
            Assert.Equal("failure", b.Result);
        });
        Assert.Equal("skipped", push.Of("publish").Single().Result);
        Assert.Empty(await TagsAsync("devcontainer"));
    }

    Task<SortedDictionary<string, string>> TagsAsync(string repository) => Setup.TagsAsync(repository);

    Task<ProcessResult> CosignVerifyAsync(string reference) => Setup.CosignVerifyAsync(reference, Log);

}
