using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Publish;

/// <summary>
/// A publish names a commit: from a work tree with uncommitted changes it is refused up front, and with --allow-dirty it
/// pushes, signs and attests by digest, tags nothing, writes no pin and says so. Git decides here (no GitHub variables),
/// in a repository of the test's own, so the changes are real ones.
/// </summary>
public class DirtyTreeTests(ITestOutputHelper output) : PublishTest(output)
{
    const string Id = "gcc14-clang20";

    [IntegrationFact]
    public async Task Publish_from_uncommitted_changes_is_refused_and_with_allow_dirty_it_tags_nothing_pins_nothing_and_says_why()
    {
        var root = await CleanRepositoryAsync();
        foreach (var name in DefaultBranchEnvironment("").Keys) Build.Environment[name] = null;
        File.AppendAllText(Path.Combine(root, "trivy.yaml"), "# edited, not committed\n");
        string[] Publish(params string[] extra) => [.. PipelineArguments("Publish", "--permutations", Id, "--root", root), .. extra];

        var refused = await RunBuildAsync(Publish());
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("ERROR: Publish refused: the work tree has uncommitted changes (trivy.yaml; git status --porcelain) and a publish names a commit: " +
                        "commit or stash them (git stash -u), or pass --allow-dirty", refused.Output);
        Assert.DoesNotContain("Bake plan", refused.Output);
        Assert.Empty(await Registry.Client.RepositoriesAsync(Registry.Namespace));

        var allowed = await RunBuildAsync(Publish("--allow-dirty"));
        Assert.True(allowed.Succeeded, "Publish --allow-dirty failed");
        var manifest = ReadManifest();
        var entry = Assert.Single(manifest.Permutations);
        Assert.True(manifest.Dirty);
        Assert.Empty(entry.Tags);
        Assert.Contains($"No tag moves: {manifest.Sha} was built from uncommitted changes (--allow-dirty) and a tag names a commit", allowed.Output);
        Assert.NotNull(await Registry.Client.ManifestAsync(Registry.RepositoryPath(), entry.Digest)); // in the registry by digest
        Assert.True((await CosignAsync("verify", entry.DigestReference)).Succeeded, "the image was not signed");
        // only cosign's, and the temporary tag Bake pushed the image under (the docker driver's; it publishes nothing)
        Assert.All(await Registry.Client.TagsAsync(Registry.RepositoryPath()), tag => Assert.True(tag.StartsWith("sha256-") || tag.StartsWith(TagPolicy.UnpublishedPrefix), tag));
        Assert.False(File.Exists(PinPath), "a publish that tagged nothing wrote a pin");
        var source = JsonNode.Parse(File.ReadAllText(Path.Combine(ArtifactsDirectory, "provenance", $"{Id}.slsa.json")))!["buildDefinition"]!["externalParameters"]!["source"]!;
        Assert.Equal(("git+" + new Uri(root).AbsoluteUri, true), ((string?)source["uri"], (bool)source["dirty"]!));

        // The same manifest again, without --allow-dirty: refused before anything runs, whatever the tree is now.
        var again = await RunBuildAsync(Publish("--skip"));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains($"ERROR: Publish refused: {ManifestPath} was built from uncommitted changes and a publish names a commit", again.Output);
    }

    /// <summary>A repository of one commit on main holding what a root needs here (.nuke/ as committed, trivy.yaml).</summary>
    async Task<string> CleanRepositoryAsync()
    {
        var root = Path.Combine(WorkDirectory, "repository");
        Directory.CreateDirectory(Path.Combine(root, ".nuke"));
        foreach (var file in new[] { "build.schema.json", "parameters.json" }) // what every run writes there, committed as in this repository
            File.Copy(Path.Combine(RepoPaths.Root, ".nuke", file), Path.Combine(root, ".nuke", file));
        File.Copy(Path.Combine(RepoPaths.Root, "trivy.yaml"), Path.Combine(root, "trivy.yaml"));
        File.WriteAllText(Path.Combine(root, ".gitignore"), ".nuke/temp/\n");
        foreach (var arguments in new[] { ["init", "-q", "-b", "main"], ["add", "-A"], new[] { "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "one" } })
            Assert.True((await ProcessRunner.RunAsync("git", arguments, root)).Succeeded, $"git {string.Join(' ', arguments)} failed");
        return root;
    }
}
