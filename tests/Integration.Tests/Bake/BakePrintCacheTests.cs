using System.Text.RegularExpressions;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Bake;

/// <summary>
/// The static bake print kept between runs: asked of buildx once, reused while the bake file, the variables it
/// interpolates and buildx stay the same; and the in-process merge the guard then checks agrees with buildx's own.
/// </summary>
public sealed class BakePrintCacheTests(ITestOutputHelper output) : BakeScenario(output)
{
    const string Id = "gcc14-clang20";
    static readonly Regex StaticPrint = new($@"> docker buildx bake -f \S+docker-bake\.hcl --print {Id} validate-{Id}");
    static readonly Regex MergedPrint = new(@"> docker buildx bake -f \S+docker-bake\.hcl -f \S+bake\.override\.json --print");

    [IntegrationFact]
    public async Task The_static_print_is_reused_until_the_bake_file_or_an_interpolated_variable_changes()
    {
        var bakeFile = RepoPaths.CopyFixture(WorkDirectory); // a bake file of this test's own: no other run has its key
        var environment = new Dictionary<string, string?>(GitHubEvent.Push(WorkDirectory)) { ["FIXTURE_STAMP"] = ColdCache.Stamp };
        Task<ProcessResult> Bake() => Build.RunAsync(["Bake", "--permutations", Id, "--bake-file", bakeFile, "--registry", Registry.Prefix,
            "--artifacts", ArtifactsDirectory, "--no-logo", "--force"], null, environment, null);

        var first = await Bake();
        AssertSucceeded(first, "first Bake");
        Assert.Matches(StaticPrint, BuildLog());
        Assert.Matches(MergedPrint, BuildLog()); // buildx's own merge, checked by the guard and compared with the model (a query: in the log file)
        var firstPlan = File.ReadAllText(Path.Combine(ArtifactsDirectory, "bake.override.json"));
        var firstDigest = ImageDigest(Id);

        var second = await Bake();
        AssertSucceeded(second, "second Bake");
        Assert.DoesNotMatch(StaticPrint, BuildLog());
        Assert.DoesNotMatch(MergedPrint, BuildLog());
        Assert.Equal(firstPlan, File.ReadAllText(Path.Combine(ArtifactsDirectory, "bake.override.json")));
        Assert.Equal(firstDigest, ImageDigest(Id));

        // A variable the bake file interpolates changes what bake prints: asked again, and the image follows it.
        environment["FIXTURE_STAMP"] = ColdCache.Stamp + "-b";
        var third = await Bake();
        AssertSucceeded(third, "Bake with another FIXTURE_STAMP");
        Assert.Matches(StaticPrint, BuildLog());
        Assert.NotEqual(firstDigest, ImageDigest(Id));

        // So does an edit of the bake file, even one that changes nothing bake prints.
        File.AppendAllText(bakeFile, "\n# edited\n");
        var fourth = await Bake();
        AssertSucceeded(fourth, "Bake after editing the bake file");
        Assert.Matches(StaticPrint, BuildLog());
    }

    [IntegrationFact]
    public async Task Buildx_merges_the_override_into_a_hostile_bake_file_as_the_guard_s_model_does()
    {
        // A bake file that hard-codes what the build class decides: a main cache write, tags, registry outputs.
        var bakeFile = RepoPaths.CopyFixture(WorkDirectory);
        var text = File.ReadAllText(bakeFile)
            .Replace("  target   = \"image\"\n", $"  target   = \"image\"\n  tags = [\"evil:1\"]\n  output = [\"type=registry\"]\n  cache-to = [\"type=registry,ref={Registry.Prefix}/devcontainer-cache:{Id}-main,mode=max\"]\n")
            .Replace("  output   = [\"type=cacheonly\"]\n", $"  output   = [\"type=registry\"]\n  cache-to = [\"type=registry,ref={Registry.Prefix}/devcontainer-cache:{Id}-main\"]\n");
        Assert.Contains("evil:1", text);
        File.WriteAllText(bakeFile, text);

        var context = new BuildContext(BuildMode.PullRequest, GitHubEvent.Sha, "refs/pull/7/merge", "pull_request", 7, null, DateTimeOffset.UnixEpoch, "");
        var planned = BakePlanner.Plan(context, [Permutation.Gcc14Clang20], null, Registry.Prefix + "/devcontainer", "devcontainer", CacheMode.Registry,
            new Dictionary<string, BuildImages> { [Id] = new(new BaseImage("b:1", "sha256:" + new string('b', 64)), []) },
            Path.Combine(WorkDirectory, "images"), Path.Combine(WorkDirectory, "cache"));
        // As Bake writes the override: the main cache checked first (here: found signed, imported by digest).
        var plan = planned with
        {
            Permutations = planned.Permutations.Select(p => p with
            {
                Cache = CachePolicy.Trusted(p.Cache, MainCacheCheck.Verified(p.Cache.MainRead!, "sha256:" + new string('c', 64)), null),
            }).ToList(),
        };
        var overrideFile = Path.Combine(WorkDirectory, "bake.override.json");
        File.WriteAllText(overrideFile, BakeOverride.Render(plan));
        var directory = Path.GetDirectoryName(bakeFile)!;
        Directory.CreateDirectory(Path.Combine(WorkDirectory, "images")); // --print opens the output archive

        var staticPrint = await RunToolAsync("docker", ["buildx", "bake", "-f", bakeFile, "--print", Id, $"validate-{Id}"], directory);
        var mergedPrint = await RunToolAsync("docker", ["buildx", "bake", "-f", bakeFile, "-f", overrideFile, "--print", Id, $"validate-{Id}"], directory);
        Assert.True(staticPrint.Succeeded && mergedPrint.Succeeded, "bake --print failed; see the test output");

        var printed = BakeDefinition.Parse(mergedPrint.StandardOutput);
        var computed = BakeDefinition.Parse(BakeMerge.Apply(staticPrint.StandardOutput, File.ReadAllText(overrideFile)));
        Assert.True(BakeMerge.Agrees(computed, printed), "buildx merged the override differently from BakeMerge");
        Assert.Contains("evil:1", BakeDefinition.Parse(staticPrint.StandardOutput).Targets[Id].Tags);
        Assert.DoesNotContain(printed.Targets.Values.SelectMany(t => t.CacheTo), c => c.Contains($"{Id}-main"));
        // The guard passes both alike (the hard-coded values never reach the build), and refuses the bake file's own.
        BakeGuard.Check(context, plan, printed);
        BakeGuard.Check(context, plan, computed);
        Assert.Throws<CachePoisoningException>(() => BakeGuard.Check(context, plan, BakeDefinition.Parse(staticPrint.StandardOutput)));

        // A hard-coded main cache import by tag: buildx appends the override's cache-from to it (it survives), the model
        // agrees, and the guard refuses both, so an unverified main cache never reaches the build.
        File.WriteAllText(bakeFile, text.Replace("  target   = \"image\"\n",
            $"  target   = \"image\"\n  cache-from = [\"type=registry,ref={Registry.Prefix}/devcontainer-cache:{Id}-main\"]\n"));
        var importing = await RunToolAsync("docker", ["buildx", "bake", "-f", bakeFile, "--print", Id, $"validate-{Id}"], directory);
        var importingMerged = await RunToolAsync("docker", ["buildx", "bake", "-f", bakeFile, "-f", overrideFile, "--print", Id, $"validate-{Id}"], directory);
        Assert.True(importing.Succeeded && importingMerged.Succeeded, "bake --print failed; see the test output");
        var importingPrinted = BakeDefinition.Parse(importingMerged.StandardOutput);
        Assert.Contains($"type=registry,ref={Registry.Prefix}/devcontainer-cache:{Id}-main", importingPrinted.Targets[Id].CacheFrom);
        var importingComputed = BakeDefinition.Parse(BakeMerge.Apply(importing.StandardOutput, File.ReadAllText(overrideFile)));
        Assert.True(BakeMerge.Agrees(importingComputed, importingPrinted), "buildx merged cache-from differently from BakeMerge");
        Assert.Contains("unverified", Assert.Throws<CachePoisoningException>(() => BakeGuard.Check(context, plan, importingPrinted)).Message);
        Assert.Contains("unverified", Assert.Throws<CachePoisoningException>(() => BakeGuard.Check(context, plan, importingComputed)).Message);
    }
}
