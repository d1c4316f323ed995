using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Publish;

/// <summary>--dry-run on the targets that change the registry: the plan with each tag's digest now → then, and the registry read back unchanged.</summary>
public class DryRunTests(ITestOutputHelper output) : PublishTest(output)
{
    const string Id = "gcc14-clang20";

    [IntegrationFact]
    public async Task Dry_runs_of_Rollback_and_Publish_print_each_tag_move_and_leave_every_tag_and_the_pin_where_they_were()
    {
        var (good, lastKnownGood, bad) = await PublishGoodThenBadAsync(Id);
        var pin = File.ReadAllText(PinPath);
        var before = await TagDigestsAsync();

        var rollback = await RunBuildAsync(["Rollback", "--manifest", lastKnownGood, "--cosign-public-key", PublicKeyPath, "--dry-run", "--no-logo"]);
        Assert.True(rollback.Succeeded, "Rollback --dry-run failed");
        Assert.Contains($"{Repository}:{Id}  {bad.Digest} → {good.Digest}", rollback.Output);
        Assert.Contains("Dry run (--dry-run): no tag was moved and no pin was written", rollback.Output);
        Assert.Equal(before, await TagDigestsAsync());
        Assert.Equal(pin, File.ReadAllText(PinPath));

        // --plan Rollback reads the same now → then from the registry, without cosign and without moving anything.
        var plan = await RunBuildAsync(["--plan", "Rollback", "--manifest", lastKnownGood, "--no-logo"]);
        Assert.True(plan.Succeeded, "--plan Rollback failed");
        Assert.Contains($"  {Repository}:{Id}  {bad.Digest} → {good.Digest}", plan.Output);

        // A third build, not published: a dry run plans its signature, attestations and both tags, and does none of them.
        foreach (var (name, value) in DefaultBranchEnvironment(GrandparentSha)) Build.Environment[name] = value;
        Build.Environment["FIXTURE_STAMP"] = $"{Registry.Namespace}-c";
        Assert.True((await RunBuildAsync(PipelineArguments("Manifest", "--permutations", Id))).Succeeded, "Manifest of the third build failed");
        var next = Assert.Single(ReadManifest().Permutations);
        var publish = await RunBuildAsync(PipelineArguments("Publish", "--skip", "--permutations", Id, "--dry-run"));
        Assert.True(publish.Succeeded, "Publish --dry-run failed");
        // Bake pushed the image untagged already: the plan signs and attests it there (each platform's SBOM on its manifest), pushing nothing.
        foreach (var step in new[] { "Sign", "AttestProvenance" }) Assert.Contains($"{step,-16} {Id,-20} {next.DigestReference}", publish.Output);
        foreach (var platform in next.Platforms) Assert.Contains($"{"AttestSbom",-16} {Id,-20} {next.Repository}@{platform.Digest}", publish.Output);
        Assert.DoesNotContain($"{"Push",-16} {Id,-20}", publish.Output);
        Assert.Contains($"{Repository}:{GrandparentSha}-{Id}  (none) → {next.Digest}", publish.Output);
        Assert.Contains($"{Repository}:{Id}  {bad.Digest} → {next.Digest}", publish.Output);
        Assert.Contains("Dry run (--dry-run): nothing was pushed, signed, attested or tagged and no pin was written", publish.Output);
        // Every tag where it was; only the third build's Bake moved its temporary tag (unpublished-*) to the image it pushed.
        static Dictionary<string, string> Published(IDictionary<string, string> tags) =>
            tags.Where(t => !t.Key.StartsWith(TagPolicy.UnpublishedPrefix, StringComparison.Ordinal)).ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(Published(before), Published(await TagDigestsAsync()));
        Assert.DoesNotContain(next.Digest.Replace(':', '-') + ".sig", await Registry.Client.TagsAsync(Registry.RepositoryPath())); // not signed
        Assert.Equal(pin, File.ReadAllText(PinPath));
    }

    [IntegrationFact]
    public async Task A_dry_run_beside_Bake_is_refused_for_the_cache_export_only_when_Bake_would_export_the_cache()
    {
        string[] Publish(params string[] extra) =>
            ["Publish", "--dry-run", "--bake-file", RepoPaths.FixtureBakeFile, "--registry", Registry.Prefix, "--permutations", Id, "--no-logo", .. extra];
        // With a key a default-branch Bake exports the main cache (and signs it): a dry run cannot promise to change nothing.
        var keyed = await RunBuildAsync(Publish("--cosign-key", KeyPath));
        Assert.Equal(2, keyed.ExitCode);
        Assert.Contains($"Bake in this run would export the build cache to {Repository}-cache: add --cache registry-read", keyed.Output);
        // Without one Bake exports nothing (nothing to sign the main cache with), so the one problem is the missing identity.
        var keyless = await RunBuildAsync(Publish());
        Assert.Equal(2, keyless.ExitCode);
        var error = Assert.Single(keyless.Output.Split('\n'), l => l.StartsWith("ERROR: ", StringComparison.Ordinal));
        Assert.Contains("Publish needs a signing identity", error);
        Assert.Empty(await Registry.Client.RepositoriesAsync(Registry.Namespace));
    }

    [IntegrationFact]
    public async Task A_flag_no_target_of_the_run_reads_is_refused_before_anything_runs()
    {
        var bake = await RunBuildAsync(PipelineArguments("Bake", "--dry-run"));
        Assert.Equal(2, bake.ExitCode);
        Assert.Contains("ERROR: --dry-run is read by UpdateBasePin, Publish, Rollback, Retention, none of which runs; drop it or run one of them.", bake.Output);
        Assert.DoesNotContain("Bake plan", bake.Output);
        Assert.Empty(await Registry.Client.RepositoriesAsync(Registry.Namespace));
    }
}
