using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Rehearsal;

/// <summary>
/// The generated rollback.yml run by hand (workflow_dispatch) on this machine, after build-devcontainer.yml published
/// twice: a rollback to the first release's manifest, committed to main, moves the mutable tag back to its digest,
/// leaves every immutable tag, and moves the last-known-good pin (tag and variable) to it, held by the rollback. The
/// same dispatch from another branch, or into an environment GitHub created unprotected, is refused before anything moves.
/// </summary>
[Collection(RehearsalSetup.Collection)]
public sealed class RollbackRehearsalTests(ITestOutputHelper output) : RehearsalTest(output, "rollback-rehearsal")
{
    const string Permutation = "gcc14-clang20";
    const string ManifestInCheckout = "rollback/manifest.json";
    async Task<RehearsalReport> RehearseAsync(string file, RehearsalEvent @event, string runName, bool variableToken = false)
    {
        var machine = Setup.Machine(runName, [Permutation], Log);
        if (variableToken) machine.Secrets["DEVCONTAINER_LKG_TOKEN"] = Setup.VariableToken;
        return await RehearseAsync(Workflow(file), @event, machine, runName);
    }

    [IntegrationFact]
    public async Task A_rollback_from_main_moves_the_mutable_tag_back_and_the_pin_and_an_unprotected_or_off_branch_one_moves_nothing()
    {
        // Two releases of main: the second changes an image input, so its digest differs.
        var first = await RehearseAsync("build-devcontainer.yml", RehearsalEvent.PushToMain(Setup.Sha, RehearsalSetup.Repository), "push-1");
        Assert.True(first.Succeeded, first.Summary);
        var firstManifest = await File.ReadAllTextAsync(Path.Combine(Scratch, "push-1", "artifacts", "published-manifest", "manifest.json"));
        var firstDigest = Digest(firstManifest);
        const string input = "tests/fixture/compilers/gcc.in";
        var changed = await Setup.CommitAsync("refs/heads/main", input, await Setup.ShowAsync(input) + "# changed for the second release\n");
        var second = await RehearseAsync("build-devcontainer.yml", RehearsalEvent.PushToMain(changed, RehearsalSetup.Repository), "push-2");
        Assert.True(second.Succeeded, second.Summary);
        var secondDigest = Digest(await File.ReadAllTextAsync(Path.Combine(Scratch, "push-2", "artifacts", "published-manifest", "manifest.json")));
        Assert.NotEqual(firstDigest, secondDigest);
        var published = await Setup.TagsAsync("devcontainer");
        Assert.Equal(secondDigest, published[Permutation]);

        // As the README says: commit the good release's published manifest and run the workflow with its path.
        var withManifest = await Setup.CommitAsync("refs/heads/main", ManifestInCheckout, firstManifest, parent: changed);
        var inputs = new Dictionary<string, string> { ["manifest"] = ManifestInCheckout };

        // From another branch: refused up front, one line naming the default branch; nothing written.
        await Setup.CommitAsync("refs/heads/feature", ManifestInCheckout, firstManifest, parent: changed);
        var offBranch = await RehearseAsync("rollback.yml", RehearsalEvent.WorkflowDispatch("refs/heads/feature", withManifest, RehearsalSetup.Repository, inputs), "rollback-feature");
        AssertRefusedBeforeAnythingMoved(offBranch, "only from the default branch main, not from refs/heads/feature");

        // Into the environment as GitHub creates it on first use (no protection rules): refused, naming the setting.
        Setup.GitHubApi.Environments[RehearsalSetup.RollbackEnvironment] = FakeGitHubApi.UnprotectedEnvironment(RehearsalSetup.RollbackEnvironment);
        var unprotected = await RehearseAsync("rollback.yml", RehearsalEvent.WorkflowDispatch("refs/heads/main", withManifest, RehearsalSetup.Repository, inputs), "rollback-unprotected");
        AssertRefusedBeforeAnythingMoved(unprotected, "has no required reviewers, so anyone with write access can run this job; add required reviewers in Settings → Environments → registry-rollback");
        Assert.Equal(published, await Setup.TagsAsync("devcontainer"));

        // Protected, from main: the rollback runs, with the secret that may write the pin's variable.
        Setup.GitHubApi.Environments[RehearsalSetup.RollbackEnvironment] = FakeGitHubApi.ProtectedEnvironment(RehearsalSetup.RollbackEnvironment);
        var rollback = await RehearseAsync("rollback.yml", RehearsalEvent.WorkflowDispatch("refs/heads/main", withManifest, RehearsalSetup.Repository, inputs), "rollback", variableToken: true);
        Assert.True(rollback.Succeeded, rollback.Summary);
        var job = rollback.Of("rollback").Single();
        Assert.Contains("GET /repos/acme/devcontainer-pipeline/environments/registry-rollback", Setup.GitHubApi.Requests);
        var after = await Setup.TagsAsync("devcontainer");
        Assert.Equal(firstDigest, after[Permutation]);                        // the mutable tag is back
        Assert.Equal(firstDigest, after[$"{Setup.Sha}-{Permutation}"]);      // immutable tags never move
        Assert.Equal(secondDigest, after[$"{changed}-{Permutation}"]);
        Assert.Equal(after.Keys.Except([Permutation]).Select(t => (t, published[t])), after.Keys.Except([Permutation]).Select(t => (t, after[t])));
        // Only manifests were written, and the one tag among them is the mutable one (the rest go by digest).
        var writes = job.RegistryRequests.Where(r => r.Method is "PUT" or "POST" or "PATCH" or "DELETE").ToList();
        Assert.All(writes, r => Assert.Contains("/devcontainer/manifests/", r.Path));
        Assert.Equal([$"/v2/{Setup.Namespace}/devcontainer/manifests/{Permutation}"], writes.Select(r => r.Path).Where(p => !p.Contains("/manifests/sha256:")).Distinct());
        var pin = JsonNode.Parse(await Setup.TagMessageAsync("lkg"))!;
        Assert.Equal("rollback", (string)pin["pinnedBy"]!);
        Assert.Equal(Setup.Sha, (string)pin["sha"]!);
        Assert.Equal(Setup.Sha, (await ProcessRunner.RunAsync("git", ["--git-dir", Setup.Origin, "rev-parse", "lkg^{commit}"])).StandardOutput.Trim());
        Assert.Equal("rollback", (string)JsonNode.Parse(Setup.GitHubApi.Variables["DEVCONTAINER_LKG"])!["pinnedBy"]!);
        var verify = await Setup.CosignVerifyAsync($"{Setup.RegistryPrefix}/devcontainer:{Permutation}", Log);
        Assert.True(verify.Succeeded, "cosign verify --key failed: " + verify.Output);
    }

    void AssertRefusedBeforeAnythingMoved(RehearsalReport report, string expected)
    {
        Assert.False(report.Succeeded);
        var job = report.Of("rollback").Single();
        var step = job.Step("Rollback");
        Assert.Equal("failure", step.Outcome);
        Assert.Single(step.Output.Split('\n'), line => line.StartsWith("ERROR: ") && line.Contains(expected)); // one line names the problem
        Assert.Equal("skipped", job.Step("Move the last-known-good pin").Outcome);
        Assert.DoesNotContain(job.RegistryRequests, r => r.Method is "PUT" or "POST" or "PATCH" or "DELETE");
    }

    static string Digest(string manifest) => (string)JsonNode.Parse(manifest)!["permutations"]!.AsArray().Single()!["digest"]!;

}
