using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Publish;

/// <summary>
/// Issue 13, cases 2, 7 and 8 against the registry: a lying manifest, flags that disagree with it, and key problems
/// are refused with exit 2 and one line before anything moves; --permutations narrows a publish to the intersection.
/// </summary>
public class PublishTrustTests(ITestOutputHelper output) : PublishTest(output)
{
    [IntegrationFact]
    public async Task Key_problems_lying_manifests_and_disagreeing_flags_are_refused_up_front_and_nothing_moves()
    {
        // A key that does not exist is found before Bake, not after hours of it (the last --cosign-key wins).
        var missingKey = Path.Combine(WorkDirectory, "missing.key");
        var early = await RunBuildAsync([.. PipelineArguments("Publish"), "--cosign-key", missingKey]);
        Assert.Equal(2, early.ExitCode);
        Assert.Contains($"ERROR: --cosign-key {missingKey} does not exist", early.Output);
        Assert.DoesNotContain("COSIGN_PASSWORD", early.Output);
        Assert.False(Directory.Exists(Path.Combine(ArtifactsDirectory, "images")), "Bake ran although the key is missing");

        Assert.True((await RunBuildAsync(PipelineArguments("Manifest"))).Succeeded, "Manifest failed");
        var pristine = File.ReadAllText(ManifestPath);
        var derivedPublicKey = Path.Combine(ArtifactsDirectory, "cosign.pub");

        // A wrong password: refused before the first push, and no empty cosign.pub is left behind.
        Build.Environment["COSIGN_PASSWORD"] = "not-the-password";
        foreach (var extra in new[] { Array.Empty<string>(), ["--cosign-public-key", PublicKeyPath] })
        {
            var wrong = await RunBuildAsync(PipelineArguments("Publish", ["--skip", .. extra]));
            Assert.Equal(2, wrong.ExitCode);
            Assert.Contains($"ERROR: --cosign-key {KeyPath} does not open with the password given", wrong.Output);
            Assert.False(File.Exists(derivedPublicKey), "a failed derivation left artifacts/cosign.pub");
        }
        Build.Environment["COSIGN_PASSWORD"] = null;
        var none = await RunBuildAsync(PipelineArguments("Publish", "--skip"));
        Assert.Equal(2, none.ExitCode);
        Assert.Contains($"ERROR: --cosign-key {KeyPath} does not open without a password (COSIGN_PASSWORD is not set)", none.Output);
        Build.Environment["COSIGN_PASSWORD"] = Password;

        // A manifest that marks the immutable <sha>-<id> tag mutable, or names a tag in another repository.
        var sha = JsonNode.Parse(pristine)!;
        sha["permutations"]![0]!["tags"]![1]!["mutable"] = true;
        await RefusedAsync(sha, "Publish", $"Manifest tag {Repository}:{HeadSha}-gcc14-clang20 of gcc14-clang20 is marked mutable, but the tag policy makes it immutable");
        var evil = JsonNode.Parse(pristine)!;
        evil["permutations"]![0]!["tags"]![0]!["reference"] = $"{Repository}-evil/other:latest";
        await RefusedAsync(evil, "Publish", $"Manifest tag {Repository}-evil/other:latest of gcc14-clang20 is outside the entry's image repository {Repository}");

        // --registry that disagrees with the manifest.
        File.WriteAllText(ManifestPath, pristine);
        var elsewhere = await RunBuildAsync([.. PipelineArguments("Publish", "--skip"), "--registry", Registry.Prefix + "-other"]);
        Assert.Equal(2, elsewhere.ExitCode);
        Assert.Contains($"ERROR: --registry gives repository {Registry.Prefix}-other/devcontainer, but manifest {ManifestPath} publishes gcc14-clang20 to {Repository}", elsewhere.Output);
        await AssertNothingPublishedAsync();
        var otherName = await RunBuildAsync([.. PipelineArguments("Publish", "--skip"), "--image-name", "other"]);
        Assert.Equal(2, otherName.ExitCode);
        Assert.Contains($"ERROR: --registry/--image-name gives repository {Registry.Prefix}/other, but manifest {ManifestPath} publishes gcc14-clang20 to {Repository}; drop --registry/--image-name", otherName.Output);

        // --permutations narrows the publish to the intersection, and says so.
        var one = await RunBuildAsync([.. PipelineArguments("Publish", "--skip"), "--permutations", "gcc14-clang20"]);
        Assert.True(one.Succeeded, "Publish of one permutation from the manifest failed");
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(one.Output,
            System.Text.RegularExpressions.Regex.Escape($"Acting on gcc14-clang20 only (--permutations); manifest {ManifestPath} also lists gcc15-clang20, left untouched.")));
        Assert.Equal(new[] { "gcc14-clang20", $"{HeadSha}-gcc14-clang20" }.Order(StringComparer.Ordinal), (await TagDigestsAsync()).Keys.Where(t => !t.StartsWith("sha256-") && !t.StartsWith(TagPolicy.UnpublishedPrefix)).Order(StringComparer.Ordinal));

        // Rollback trusts the manifest no more than Publish: the lying manifests are refused and no tag moves.
        var before = await TagDigestsAsync();
        foreach (var lie in new[] { sha, evil })
        {
            var path = Path.Combine(WorkDirectory, "lie.json");
            File.WriteAllText(path, lie.ToJsonString());
            var rollback = await RunBuildAsync(["Rollback", "--manifest", path, "--cosign-public-key", PublicKeyPath, "--no-logo"]);
            Assert.Equal(2, rollback.ExitCode);
            Assert.Contains("ERROR: Manifest tag ", rollback.Output);
        }
        Assert.Equal(before, await TagDigestsAsync());
    }

    async Task RefusedAsync(JsonNode manifest, string target, string expected)
    {
        File.WriteAllText(ManifestPath, manifest.ToJsonString());
        var result = await RunBuildAsync(PipelineArguments(target, "--skip"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ERROR: " + expected, result.Output);
        await AssertNothingPublishedAsync();
    }
}
