using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Publish;

public class PublishTests(ITestOutputHelper output) : PublishTest(output)
{
    [IntegrationFact]
    public async Task Clean_publish_of_two_permutations_is_verifiable_tagged_by_policy_and_a_rerun_changes_nothing()
    {
        var result = await RunBuildAsync(PipelineArguments("Publish"));
        Assert.True(result.Succeeded, "Publish failed");
        var manifest = ReadManifest();
        Assert.Equal(TwoPermutations, manifest.Permutations.Select(p => p.Id));
        foreach (var entry in manifest.Permutations)
        {
            // The registry holds exactly the index the manifest recorded, with both platforms at the recorded digests.
            var index = await Registry.Client.ManifestAsync(Registry.RepositoryPath(), entry.Digest);
            Assert.NotNull(index);
            Assert.Equal(entry.Digest, index.Digest);
            Assert.Equal(entry.Platforms.ToDictionary(p => p.Platform, p => p.Digest), index.PlatformDigests);
            Assert.Equal(["linux/amd64", "linux/arm64"], entry.Platforms.Select(p => p.Platform));
            // Tags exactly as the tag policy says for a default-branch push.
            var expected = TagPolicy.TagsFor(Context(HeadSha), Repository, entry.Id);
            Assert.Equal(expected.Select(t => (t.Reference, t.IsMutable)), entry.Tags.Select(t => (t.Reference, t.Mutable)));
            Assert.Equal([$"{Repository}:{entry.Id}", $"{Repository}:{HeadSha}-{entry.Id}"], entry.Tags.Select(t => t.Reference));
            // cosign verifies the signature and both attestations with the public key.
            var reference = entry.DigestReference;
            Assert.True((await CosignAsync("verify", reference)).Succeeded, "cosign verify failed for " + reference);
            Assert.True((await CosignAsync("verify-attestation", "--type", "slsaprovenance1", reference)).Succeeded, "slsaprovenance1 attestation did not verify");
            await AssertPlatformSbomsAttestedAsync(entry);
            // Bake pushed the image (the docker driver here: under its temporary tag); Publish pushed no bytes again.
            Assert.Contains($"Pushed {entry.Id}: {reference} under the temporary tag unpublished-{entry.Id}", BuildLog());
            // The closing "next" names the image by digest as devcontainer.json uses it, in the log and the step summary.
            Assert.Contains($"  {entry.Id}: \"image\": \"{reference}\"", result.Output);
            Assert.Contains($"{{ \"image\": \"{reference}\" }}", File.ReadAllText(Path.Combine(ArtifactsDirectory, "summary.md")));
        }
        Assert.Contains("Next: use an image by digest in a project's .devcontainer/devcontainer.json", result.Output);
        Assert.DoesNotContain("> skopeo copy --all --preserve-digests oci-archive:", BuildLog());
        Assert.Equal(ExpectedShape(manifest), await ShapeAsync(manifest));
        Assert.DoesNotContain(Password, result.Output);

        // Publishing the same manifest again changes nothing: no new signature, attestation or tag.
        var before = await TagDigestsAsync();
        var again = await RunBuildAsync(PipelineArguments("Publish", "--skip"));
        Assert.True(again.Succeeded, "re-run failed");
        Assert.Equal(before, await TagDigestsAsync());
        Assert.Contains("(0 change(s))", again.Output);
        Assert.DoesNotContain(Password, again.Output);
    }

    [IntegrationFact]
    public async Task One_platform_publishes_an_index_with_one_entry_signed_attested_and_tagged_like_any_other()
    {
        var result = await RunBuildAsync(PipelineArguments("Publish", "--platforms", "linux/amd64"));
        Assert.True(result.Succeeded, "Publish --platforms linux/amd64 failed");
        var manifest = ReadManifest();
        foreach (var entry in manifest.Permutations)
        {
            var index = await Registry.Client.ManifestAsync(Registry.RepositoryPath(), entry.Digest);
            Assert.NotNull(index);
            Assert.True(index.IsIndex, $"{entry.Id} was pushed as {index.MediaType}, not an image index");
            Assert.Equal(["linux/amd64"], index.Platforms);
            Assert.Equal([("linux/amd64", index.PlatformDigests["linux/amd64"])], entry.Platforms.Select(p => (p.Platform, p.Digest)));
            // The index carries the same annotations a multi-platform index does.
            Assert.Equal(HeadSha, (string?)index.Json["annotations"]?["org.opencontainers.image.revision"]);
            var expected = TagPolicy.TagsFor(Context(HeadSha), Repository, entry.Id);
            Assert.Equal(expected.Select(t => (t.Reference, t.IsMutable)), entry.Tags.Select(t => (t.Reference, t.Mutable)));
            Assert.True((await CosignAsync("verify", entry.DigestReference)).Succeeded, "cosign verify failed for " + entry.DigestReference);
            Assert.True((await CosignAsync("verify-attestation", "--type", "slsaprovenance1", entry.DigestReference)).Succeeded, "provenance did not verify");
        }
        Assert.Equal(ExpectedShape(manifest), await ShapeAsync(manifest));
    }

    [IntegrationFact]
    public async Task A_publish_killed_right_after_signing_is_completed_by_running_it_again()
    {
        // Bake pushed the images untagged; Publish is killed between signing them and attesting them.
        var (killed, firstOutput) = await RunAndKillAsync(PipelineArguments("Publish"), "AttestProvenance ");
        Output.WriteLine(firstOutput);
        Assert.True(killed, "the build never reached its attestations");
        var manifest = ReadManifest();
        foreach (var entry in manifest.Permutations) Assert.NotNull(await Registry.Client.ManifestAsync(Registry.RepositoryPath(), entry.Digest));
        // Nothing is published: no tag of the tag policy, only the images (and their temporary tags).
        Assert.Empty((await Registry.Client.TagsAsync(Registry.RepositoryPath())).Where(t => manifest.Permutations.SelectMany(p => p.Tags).Any(x => x.Reference.EndsWith(":" + t))));

        // Re-running the whole pipeline rebuilds the same digests (SOURCE_DATE_EPOCH) and finishes the publication.
        var rerun = await RunBuildAsync(PipelineArguments("Publish"));
        Assert.True(rerun.Succeeded, "re-run failed");
        var rebuilt = ReadManifest();
        Assert.Equal(manifest.Permutations.Select(p => p.Digest), rebuilt.Permutations.Select(p => p.Digest));
        Assert.Equal(ExpectedShape(rebuilt), await ShapeAsync(rebuilt));
        foreach (var entry in rebuilt.Permutations) await AssertPlatformSbomsAttestedAsync(entry);
    }

    [IntegrationFact]
    public async Task A_critical_finding_blocks_publish_naming_permutation_and_finding_and_nothing_is_published()
    {
        Build.Environment["TRIVY_TEST_DOUBLE_FINDINGS"] = RepoPaths.TrivySample("trivy-report-alpine-39.json");
        Build.Environment["TRIVY_TEST_DOUBLE_FINDINGS_MATCH"] = "gcc15-clang20";
        var result = await RunBuildAsync(PipelineArguments("Publish"));
        Assert.NotEqual(0, result.ExitCode);
        // Every platform is scanned and named (the findings are chosen for the permutation, so both platforms carry them).
        foreach (var platform in new[] { "linux/amd64", "linux/arm64" })
        {
            Assert.Contains($"Scan gate failed for gcc15-clang20 {platform}: 2 finding(s) at CRITICAL/HIGH: CVE-2019-14697 (CRITICAL, musl", result.Output);
            Assert.Contains($"| gcc15-clang20 {platform} | 2 | 0 | 4 | 0 | 0 | CRITICAL,HIGH | **FAIL** |", File.ReadAllText(Path.Combine(ArtifactsDirectory, "summary.md")));
        }
        Assert.DoesNotContain("Scan gate failed for gcc14-clang20", result.Output);
        // Bake pushed the images to be scanned there, untagged (here under their temporary tags): nothing is signed or tagged.
        Assert.Equal(["unpublished-gcc14-clang20", "unpublished-gcc15-clang20"], await Registry.Client.TagsAsync(Registry.RepositoryPath()));
    }

    static BuildContext Context(string sha) =>
        BuildContext.FromGitHub(name => DefaultBranchEnvironment(sha).GetValueOrDefault(name), null, null, "main");
}
