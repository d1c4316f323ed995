using System.Text.Json;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Retention;

/// <summary>Hand-made registry history: pull-request images, orphaned signatures and OCI 1.1 referrers, which the pipeline itself never pushes.</summary>
public class OciRetentionTests(ITestOutputHelper output) : IntegrationTest(output)
{
    [IntegrationFact]
    public async Task Retention_deletes_exactly_the_planned_versions_and_every_kept_image_still_pulls_and_verifies()
    {
        var scenario = new RetentionScenario(Registry.RepositoryPath(), WorkDirectory);
        await scenario.CreateAsync();
        var d = scenario.Digests;
        var expected = new List<string>();
        foreach (var image in new[] { "main-old", "pr-old" })
        {
            expected.Add(d[image]);
            expected.AddRange(await RetentionTools.ChildrenAsync(scenario.Name, d[image])); // 2 platforms + 2 buildx attestation manifests
        }
        var tagsBefore = await RetentionTools.TagsAsync(scenario.Name);
        var attachmentTags = tagsBefore.Where(t => new[] { "main-old", "pr-old", "gone" }.Any(i => t.StartsWith(d[i].Replace(':', '-')))).ToList();
        Assert.Equal(5, attachmentTags.Count); // main-old .sig; pr-old .sig .att and referrers index; gone .sig
        foreach (var tag in attachmentTags) expected.Add((await RetentionTools.DigestAsync(scenario.Name, tag))!);
        var prOldReferrersIndex = await RetentionTools.DigestAsync(scenario.Name, d["pr-old"].Replace(':', '-'));
        expected.AddRange(await RetentionTools.ChildrenAsync(scenario.Name, prOldReferrersIndex!)); // the OCI 1.1 signature manifest

        var artifacts = ArtifactsDirectory;
        string[] arguments = ["Retention", "--retention-repository", scenario.Repository, "--retention-policy", scenario.PolicyFile(), "--no-logo"];
        Build.Environment["CI"] = null; // a developer's machine: no --dry-run means a dry run

        // A local run without --dry-run is a dry run: it lists exactly the expected deletions and deletes nothing.
        var dry = await RunBuildAsync(arguments);
        Assert.True(dry.Succeeded, dry.StandardOutput + dry.StandardError);
        Assert.Contains("dry run: nothing is deleted", dry.StandardOutput);
        Assert.Equal(expected.Order(), PlannedDeletions(artifacts).Order());
        Assert.Equal(tagsBefore.Order(), (await RetentionTools.TagsAsync(scenario.Name)).Order());

        var real = await RunBuildAsync([.. arguments, "--dry-run", "false"]);
        Assert.True(real.Succeeded, real.StandardOutput + real.StandardError);
        foreach (var digest in expected)
            Assert.Null(await RetentionTools.DigestAsync(scenario.Name, digest));
        Assert.Contains($"Deleted {expected.Count} versions", real.StandardOutput);

        var tagsAfter = await RetentionTools.TagsAsync(scenario.Name);
        Assert.DoesNotContain(tagsAfter, t => t.StartsWith(d["main-old"].Replace(':', '-')) || t.StartsWith(d["pr-old"].Replace(':', '-')) || t.StartsWith(d["gone"].Replace(':', '-')));
        Assert.Equal(new[] { "v1.0.0-gcc15-clang20", "gcc15-clang20-sha-0000002", "gcc15-clang20-main", "pr-6" }.Order(), tagsAfter.Where(t => !t.StartsWith("sha256-")).Order());

        foreach (var image in new[] { "release", "main-new", "pr-new" })
            foreach (var architecture in new[] { "amd64", "arm64" })
                Assert.True(await scenario.PullsAsync(image, architecture), $"{image} no longer pulls on {architecture}");
        Assert.True(await scenario.VerifiesAsync("release"), "the release's signature no longer verifies");
        Assert.True(await scenario.VerifiesAsync("main-new"), "main's signature no longer verifies");
        Assert.True(await scenario.AttestationVerifiesAsync("release"), "the release's SBOM attestation no longer verifies");

        // Converged: a second run finds nothing to delete.
        var again = await RunBuildAsync(arguments);
        Assert.True(again.Succeeded, again.StandardOutput);
        Assert.Empty(PlannedDeletions(artifacts));
    }

    private static IReadOnlyList<string> PlannedDeletions(string artifacts)
    {
        var file = Assert.Single(Directory.GetFiles(Path.Combine(artifacts, "retention"), "plan.json", SearchOption.AllDirectories));
        using var plan = JsonDocument.Parse(File.ReadAllText(file));
        return plan.RootElement.GetProperty("deletions").EnumerateArray().Select(e => e.GetProperty("digest").GetString()!).ToList();
    }
}
