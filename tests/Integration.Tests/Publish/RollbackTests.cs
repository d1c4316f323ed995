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
        var (good, lastKnownGood, bad) = await PublishGoodThenBadAsync(Id);
        Assert.Equal(bad.Digest, await DigestOfTagAsync(Id));

        var rollback = await RunBuildAsync(["Rollback", "--manifest", lastKnownGood, "--cosign-public-key", PublicKeyPath, "--no-logo"]);
        Assert.True(rollback.Succeeded, "Rollback failed");
        Assert.Equal(good.Digest, await DigestOfTagAsync(Id));
        Assert.Equal(good.Digest, await DigestOfTagAsync($"{ParentSha}-{Id}"));
        Assert.Equal(bad.Digest, await DigestOfTagAsync($"{HeadSha}-{Id}"));
        Assert.Contains($"Tag              {Id}", rollback.Output);
        Assert.Contains($"{Repository}:{Id}  {bad.Digest} → {good.Digest}", rollback.Output); // each tag's digest, now → then

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

    [IntegrationFact]
    public async Task A_publish_after_a_rollback_reads_the_local_pin_holds_the_tags_and_moves_them_only_with_release_rollback()
    {
        var (good, lastKnownGood, bad) = await PublishGoodThenBadAsync(Id);
        Assert.True((await RunBuildAsync(["Rollback", "--manifest", lastKnownGood, "--cosign-public-key", PublicKeyPath, "--no-logo"])).Succeeded, "Rollback failed");
        var rollbackPin = File.ReadAllText(PinPath);
        Assert.Contains("\"pinnedBy\": \"rollback\"", rollbackPin);

        // The same publish from another artifacts folder (a fresh clone, git clean) has no pin to read: it says where it
        // looked and how to pass the pin, and warns that it would move the tag off the rolled-back image.
        var other = Path.Combine(WorkDirectory, "other-artifacts");
        CopyDirectory(ArtifactsDirectory, other);
        File.Delete(Path.Combine(other, "lkg.json"));
        var unpinned = await RunBuildAsync(PipelineArguments("Publish", "--skip", "--permutations", Id, "--artifacts", other, "--dry-run"));
        Assert.True(unpinned.Succeeded, "the dry run from another artifacts folder failed");
        var otherPin = Path.Combine(other, "lkg.json");
        var warning = Assert.Single(unpinned.Output.Split('\n'), l => l.Contains(" WRN: No last-known-good pin was read"));
        Assert.Contains($"({otherPin} does not exist), and this publish moves 1 mutable tag(s) that point at another image now "
            + $"({Repository}:{Id}  {good.Digest} → {bad.Digest})", warning);
        Assert.Contains("pass its pin with --last-known-good <lkg.json>", warning);
        Assert.Contains($"No last-known-good pin yet ({otherPin} does not exist; a pin kept elsewhere is passed with --last-known-good", unpinned.Output);
        Assert.Equal(good.Digest, await DigestOfTagAsync(Id));
        var plan = await RunBuildAsync(PipelineArguments("Publish", "--skip", "--permutations", Id, "--artifacts", other, "--plan"));
        Assert.Contains($"Warning: No last-known-good pin was read ({otherPin} does not exist)", plan.Output);

        // A plain local Publish of the bad commit (its manifest is still artifacts/manifest.json) reads artifacts/lkg.json.
        var held = await RunBuildAsync(PipelineArguments("Publish", "--skip", "--permutations", Id));
        Assert.True(held.Succeeded, "the held Publish failed");
        Assert.Contains($"The mutable tags are held by the rollback to {ParentSha} (refs/heads/main) recorded in the last-known-good pin {PinPath}", held.Output);
        Assert.Contains("run Publish again with --release-rollback", held.Output);
        Assert.DoesNotContain("No last-known-good pin yet", held.Output);
        Assert.Contains($"Held             {Id,-20} {Repository}:{Id}  {good.Digest} (not moved to {bad.Digest}", held.Output);
        Assert.Matches($@"Publish\s+Succeeded\s+[^\n]*// {Id}: {bad.Digest} \(\d+ change\(s\); mutable tags held by the rollback to {ParentSha[..12]}\)", held.Output);
        Assert.Equal(good.Digest, await DigestOfTagAsync(Id));
        Assert.Equal(rollbackPin, File.ReadAllText(PinPath)); // neither deleted nor overwritten

        // The documented way forward: the tags move and the pin records the publish.
        var released = await RunBuildAsync(PipelineArguments("Publish", "--skip", "--permutations", Id, "--release-rollback"));
        Assert.True(released.Succeeded, "Publish --release-rollback failed");
        Assert.Contains($"--release-rollback: the rollback to {ParentSha} recorded in {PinPath} is released", released.Output);
        Assert.Equal(bad.Digest, await DigestOfTagAsync(Id));
        Assert.Contains("\"pinnedBy\": \"publish\"", File.ReadAllText(PinPath));
        Assert.Contains($"\"sha\": \"{HeadSha}\"", File.ReadAllText(PinPath));
    }

    static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    async Task<string?> DigestOfTagAsync(string tag) => (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), tag))?.Digest;
}
