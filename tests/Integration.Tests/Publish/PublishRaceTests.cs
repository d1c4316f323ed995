using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Publish;

/// <summary>
/// Issue 13, case 3: two Publish runs of the same commit at the same time (two clones). The registry has no
/// compare-and-set for tags, so the build re-reads a tag just before writing it and reads it back after.
/// </summary>
public class PublishRaceTests(ITestOutputHelper output) : PublishTest(output)
{
    const string Id = "gcc14-clang20";

    string[] Arguments(string target, string artifacts, params string[] extra) =>
    [
        target, "--bake-file", RepoPaths.FixtureBakeFile, "--registry", Registry.Prefix, "--cache", "none", "--cosign-key", KeyPath,
        "--permutations", Id, "--platforms", "linux/amd64", "--no-logo", "--artifacts", artifacts, .. extra,
    ];

    async Task<ReleaseManifest> ManifestAsync(string artifacts, string stamp)
    {
        Build.Environment["FIXTURE_STAMP"] = stamp;
        Assert.True((await Build.RunAsync(Arguments("Manifest", artifacts))).Succeeded, $"Manifest ({stamp}) failed");
        return ReadManifest(Path.Combine(artifacts, "manifest.json"));
    }

    [IntegrationFact]
    public async Task Two_runs_of_different_digests_for_one_commit_never_both_succeed_and_the_loser_names_both_digests()
    {
        var (artifactsA, artifactsB) = (Path.Combine(WorkDirectory, "a"), Path.Combine(WorkDirectory, "b"));
        var a = Assert.Single((await ManifestAsync(artifactsA, Registry.Namespace + "-a")).Permutations);
        var b = Assert.Single((await ManifestAsync(artifactsB, Registry.Namespace + "-b")).Permutations);
        Assert.NotEqual(a.Digest, b.Digest);
        Assert.Equal(a.Tags.Select(t => t.Reference), b.Tags.Select(t => t.Reference)); // same commit, same tags

        var runs = await Task.WhenAll(Build.RunAsync(Arguments("Publish", artifactsA, "--skip")), Build.RunAsync(Arguments("Publish", artifactsB, "--skip")));

        var immutable = await Registry.Client.ManifestAsync(Registry.RepositoryPath(), $"{HeadSha}-{Id}");
        Assert.NotNull(immutable);
        var winner = immutable.Digest == a.Digest ? 0 : 1;
        var (won, lost) = (winner == 0 ? a : b, winner == 0 ? b : a);
        Assert.Equal(won.Digest, immutable.Digest);
        Assert.True(runs[winner].Succeeded, "the run whose digest holds the tag failed");
        Assert.NotEqual(0, runs[1 - winner].ExitCode);
        // The loser says so, naming both digests: either it saw the tag taken before writing, or it lost the write.
        Assert.Matches($"(Refusing to move immutable tag {Repository}:{HeadSha}-{Id} from {won.Digest} to {lost.Digest}|" +
                       $"Another publish won immutable tag {Repository}:{HeadSha}-{Id}: it holds {won.Digest}, this run wrote {lost.Digest})",
            runs[1 - winner].Output);
        // The mutable tag follows the winner: the loser moves no mutable tag once its immutable one is lost.
        Assert.Equal(won.Digest, (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), Id))!.Digest);
    }

    [IntegrationFact]
    public async Task Two_identical_runs_at_once_both_succeed_with_one_signature_and_one_attestation_per_type()
    {
        var artifactsA = Path.Combine(WorkDirectory, "a");
        var manifest = await ManifestAsync(artifactsA, Registry.Namespace);
        var artifactsB = Path.Combine(WorkDirectory, "b");
        CopyDirectory(artifactsA, artifactsB); // a second clone with the same outputs

        var runs = await Task.WhenAll(Build.RunAsync(Arguments("Publish", artifactsA, "--skip")), Build.RunAsync(Arguments("Publish", artifactsB, "--skip")));

        Assert.All(runs, run => Assert.True(run.Succeeded, "an identical concurrent run failed"));
        Assert.Equal(ExpectedShape(manifest), await ShapeAsync(manifest)); // .att layers=2 (provenance, SBOM), .sig layers=1
    }

    static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(directory.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to));
    }
}
