using System.Text.Json;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Retention;

/// <summary>
/// Retention on images the pipeline itself published (Publish on the fixture: multi-platform index, cosign signature,
/// SLSA provenance on the index, each platform's SBOM reference attestation and SBOM artifact, tags by the tag policy): a release and two default-branch builds whose
/// commit times are set through the event payload, then Retention with keepNewest = 1.
/// </summary>
public class PipelineRetentionTests(ITestOutputHelper output) : IntegrationTest(output)
{
    private const string Permutation = "gcc14-clang20";
    private const string CosignPassword = "retention-it-pw";

    [IntegrationFact]
    public async Task Retention_on_published_images_deletes_the_superseded_main_build_with_its_signatures_and_keeps_the_rest_verifiable()
    {
        var keyPath = Path.Combine(WorkDirectory, "cosign.key");
        var publicKey = Path.Combine(WorkDirectory, "cosign.pub");
        Assert.True((await RunToolAsync("cosign", ["generate-key-pair"], WorkDirectory, new Dictionary<string, string?> { ["COSIGN_PASSWORD"] = CosignPassword })).Succeeded);
        Build.Environment["COSIGN_PASSWORD"] = CosignPassword;
        Build.Environment["FIXTURE_STAMP"] = Registry.Namespace;
        Build.Environment["TRIVY_TEST_DOUBLE_SBOM"] = RepoPaths.TrivySample("trivy-sbom-centos-7.cdx.json");

        var release = await PublishAsync("release", "refs/tags/v1.0.0", new string('a', 40), daysAgo: 300, keyPath);
        var oldMain = await PublishAsync("old-main", "refs/heads/main", new string('b', 40), daysAgo: 200, keyPath);
        var newMain = await PublishAsync("new-main", "refs/heads/main", new string('c', 40), daysAgo: 10, keyPath);
        var name = Registry.RepositoryPath();
        Assert.Equal(newMain, await RetentionTools.DigestAsync(name, Permutation)); // main's pointer tag moved to the newest build

        // The deleted build goes with everything it references: its platform manifests, the index's signature and
        // provenance, and each platform's SBOM reference attestation and SBOM artifact.
        var expected = new List<string> { oldMain };
        var children = await RetentionTools.ChildrenAsync(name, oldMain);
        expected.AddRange(children);
        foreach (var suffix in new[] { ".sig", ".att" })
            expected.Add((await RetentionTools.DigestAsync(name, oldMain.Replace(':', '-') + suffix))!);
        foreach (var child in children)
            foreach (var suffix in new[] { ".att", ".sbom" })
                expected.Add((await RetentionTools.DigestAsync(name, child.Replace(':', '-') + suffix))!);
        var policy = Path.Combine(WorkDirectory, "policy.json");
        var committed = File.ReadAllText(Path.Combine(RepoPaths.Root, "retention-policy.json"));
        File.WriteAllText(policy, committed.Replace("\"keepNewest\": 10", "\"keepNewest\": 1"));
        string[] retention = ["Retention", "--retention-repository", Registry.Repository(), "--retention-policy", policy, "--no-logo"];

        var dry = await RunBuildAsync([.. retention, "--dry-run", "true"]);
        Assert.True(dry.Succeeded, "dry run failed");
        Assert.Equal(expected.Order(), PlannedDeletions().Order());

        var real = await RunBuildAsync([.. retention, "--dry-run", "false"]);
        Assert.True(real.Succeeded, "retention failed");
        foreach (var digest in expected) Assert.Null(await RetentionTools.DigestAsync(name, digest));
        var tags = await RetentionTools.TagsAsync(name);
        Assert.DoesNotContain(tags, t => t.StartsWith(oldMain.Replace(':', '-'))); // no signature of the deleted image is left
        Assert.DoesNotContain(tags, t => children.Any(c => t.StartsWith(c.Replace(':', '-')))); // nor an SBOM of its platforms
        Assert.DoesNotContain($"{new string('b', 40)}-{Permutation}", tags);

        foreach (var digest in new[] { release, newMain })
        {
            var reference = $"{Registry.Repository()}@{digest}";
            foreach (var architecture in new[] { "amd64", "arm64" })
                Assert.True((await RunToolAsync("skopeo", ["--override-os", "linux", "--override-arch", architecture, "copy", "--src-tls-verify=false",
                    $"docker://{reference}", $"oci:{Path.Combine(WorkDirectory, $"pull-{digest[7..19]}-{architecture}")}:pulled"])).Succeeded, $"{reference} does not pull on {architecture}");
            string[] verify = ["--key", publicKey, "--insecure-ignore-tlog", "--allow-insecure-registry"];
            Assert.True((await RunToolAsync("cosign", ["verify", .. verify, reference])).Succeeded, $"signature of {reference}");
            Assert.True((await RunToolAsync("cosign", ["verify-attestation", .. verify, "--type", "slsaprovenance1", reference])).Succeeded, $"provenance of {reference}");
            // Each kept platform's SBOM still verifies against its own platform digest, and its document is still there.
            foreach (var platform in await RetentionTools.ChildrenAsync(name, digest))
            {
                Assert.True((await RunToolAsync("cosign", ["verify-attestation", .. verify, "--type", SbomReference.PredicateType, $"{Registry.Repository()}@{platform}"])).Succeeded,
                    $"SBOM attestation of {platform}");
                Assert.NotNull(await RetentionTools.DigestAsync(name, SbomReference.ArtifactTag(platform)));
            }
        }
    }

    /// <summary>Runs `Publish` for one permutation as GitHub Actions would for a push of <paramref name="gitRef"/> at a commit made <paramref name="daysAgo"/> days ago.</summary>
    private async Task<string> PublishAsync(string run, string gitRef, string sha, int daysAgo, string keyPath)
    {
        var eventPath = Path.Combine(WorkDirectory, $"{run}-event.json");
        File.WriteAllText(eventPath, JsonSerializer.Serialize(new { head_commit = new { timestamp = DateTimeOffset.UtcNow.AddDays(-daysAgo).ToString("yyyy-MM-ddTHH:mm:ssZ") } }));
        var environment = new Dictionary<string, string?>
        {
            ["GITHUB_EVENT_NAME"] = "push", ["GITHUB_REF"] = gitRef, ["GITHUB_SHA"] = sha, ["GITHUB_EVENT_PATH"] = eventPath,
            ["GITHUB_SERVER_URL"] = "https://github.com", ["GITHUB_REPOSITORY"] = "acme/devcontainer-pipeline",
        };
        foreach (var (key, value) in environment) Build.Environment[key] = value;
        // Each build has its own inputs: identical inputs would reuse the previous image (skip unchanged permutations).
        Build.Environment["FIXTURE_STAMP"] = $"{Registry.Namespace}-{run}";
        var artifacts = Path.Combine(WorkDirectory, run);
        var result = await Build.RunAsync(["Publish", "--bake-file", RepoPaths.FixtureBakeFile, "--registry", Registry.Prefix, "--cache", "none",
            "--cosign-key", keyPath, "--permutations", Permutation, "--artifacts", artifacts, "--no-logo"], null, null, null);
        Assert.True(result.Succeeded, $"Publish ({run}) failed");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(artifacts, "manifest.json")));
        return manifest.RootElement.GetProperty("permutations")[0].GetProperty("digest").GetString()!;
    }

    private IReadOnlyList<string> PlannedDeletions()
    {
        var file = Assert.Single(Directory.GetFiles(Path.Combine(ArtifactsDirectory, "retention"), "plan.json", SearchOption.AllDirectories));
        using var plan = JsonDocument.Parse(File.ReadAllText(file));
        return plan.RootElement.GetProperty("deletions").EnumerateArray().Select(e => e.GetProperty("digest").GetString()!).ToList();
    }
}
