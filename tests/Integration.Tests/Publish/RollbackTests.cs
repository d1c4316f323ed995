using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Publish;

public class RollbackTests(ITestOutputHelper output) : PublishTest(output)
{
    const string Id = "gcc14-clang20";

    [IntegrationFact]
    public async Task Rollback_moves_the_mutable_tags_back_to_a_last_known_good_manifest_and_leaves_immutable_tags_alone()
    {
        // Release A from the parent commit, then B (different content) from HEAD.
        var good = await PublishAsync(ParentSha, "a");
        var lastKnownGood = Path.Combine(WorkDirectory, "last-known-good.json");
        File.Copy(ManifestPath, lastKnownGood);
        var bad = await PublishAsync(HeadSha, "b");
        Assert.NotEqual(good.Digest, bad.Digest);
        Assert.Equal(bad.Digest, await DigestOfTagAsync(Id));

        var rollback = await RunBuildAsync(["Rollback", "--manifest", lastKnownGood, "--cosign-public-key", PublicKeyPath, "--no-logo"]);
        Assert.True(rollback.Succeeded, "Rollback failed");
        Assert.Equal(good.Digest, await DigestOfTagAsync(Id));
        Assert.Equal(good.Digest, await DigestOfTagAsync($"{ParentSha}-{Id}"));
        Assert.Equal(bad.Digest, await DigestOfTagAsync($"{HeadSha}-{Id}"));
        Assert.Contains($"Tag              {Id}", rollback.Output);

        // Again: nothing left to move.
        var again = await RunBuildAsync(["Rollback", "--manifest", lastKnownGood, "--cosign-public-key", PublicKeyPath, "--no-logo"]);
        Assert.True(again.Succeeded);
        Assert.DoesNotContain($"Tag              {Id}", again.Output);

        // A manifest whose image is gone from the registry is refused before any tag moves.
        var gone = Path.Combine(WorkDirectory, "gone.json");
        File.WriteAllText(gone, File.ReadAllText(lastKnownGood).Replace(good.Digest, "sha256:" + new string('0', 64)));
        var refused = await RunBuildAsync(["Rollback", "--manifest", gone, "--cosign-public-key", PublicKeyPath, "--no-logo"]);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"Rollback refused: {Id}'s {Repository}@sha256:{new string('0', 64)} no longer exists in the registry", refused.Output);
        Assert.Equal(good.Digest, await DigestOfTagAsync(Id));
    }

    async Task<ManifestPermutation> PublishAsync(string sha, string stamp)
    {
        foreach (var (name, value) in DefaultBranchEnvironment(sha)) Build.Environment[name] = value;
        Build.Environment["FIXTURE_STAMP"] = $"{Registry.Namespace}-{stamp}";
        var result = await RunBuildAsync(PipelineArguments("Publish", "--permutations", Id));
        Assert.True(result.Succeeded, $"Publish of {sha} failed");
        return Assert.Single(ReadManifest().Permutations);
    }

    async Task<string?> DigestOfTagAsync(string tag) => (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), tag))?.Digest;
}
