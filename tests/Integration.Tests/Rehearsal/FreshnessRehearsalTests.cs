using System.Globalization;
using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Rehearsal;

/// <summary>
/// The generated freshness.yml run as its schedule runs it (on main's latest commit), after build-devcontainer.yml
/// published two permutations: a day with nothing new keeps both images, uploads their SARIF to code scanning and asks
/// for nothing; a day on which one image's re-scan gains a fixable HIGH (the Trivy double reports it) and the other's
/// index is older than the maximum age asks GitHub for one build-devcontainer.yml run naming both, and that recorded
/// dispatch, replayed as the workflow_dispatch run GitHub would start, rebuilds, re-signs and re-tags both. The
/// repository signs with its own key (variable and secrets), not keyless.
/// </summary>
[Collection(RehearsalSetup.Collection)]
public sealed class FreshnessRehearsalTests(ITestOutputHelper output) : RehearsalTest(output, "freshness-rehearsal")
{
    static readonly string[] Permutations = ["gcc14-clang20", "gcc15-clang20"];
    static string DaysAgo(int days) => DateTime.UtcNow.AddDays(-days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// A machine whose runner provides no cosign key: the repository's key comes from its variable and secrets, as a
    /// private repository that keeps out of public logs configures it (README, checklist), through the generated step.
    /// </summary>
    RehearsalMachine MachineFor(string runName)
    {
        var machine = Setup.Machine(runName, Permutations, Log);
        machine.Environment.Remove("COSIGN_KEY");
        machine.Environment.Remove("COSIGN_PASSWORD");
        machine.Variables["DEVCONTAINER_COSIGN_PUBLIC_KEY"] = File.ReadAllText(Setup.PublicKeyPath);
        machine.Secrets["DEVCONTAINER_COSIGN_KEY"] = File.ReadAllText(Setup.KeyPath);
        machine.Secrets["DEVCONTAINER_COSIGN_PASSWORD"] = RehearsalSetup.CosignPassword;
        return machine;
    }

    [IntegrationFact]
    public async Task A_new_fixable_high_and_an_image_past_the_maximum_age_are_rebuilt_re_signed_and_re_tagged_and_a_young_clean_image_is_left_alone()
    {
        var (fixable, aged) = (Permutations[0], Permutations[1]);
        var publish = await RehearseAsync(Workflow("build-devcontainer.yml"), RehearsalEvent.PushToMain(Setup.Sha, RehearsalSetup.Repository), MachineFor("publish"), "publish");
        Assert.True(publish.Succeeded, publish.Summary);
        // Signed with the repository's key, written by the generated step into the job's own directory; never printed.
        var publishJob = publish.Of("publish").Single();
        Assert.Equal("success", publishJob.Step("Sign with the repository's cosign key").Outcome);
        Assert.Matches(@"cosign sign --yes --key=\S*/temp/cosign\.key ", publishJob.Step("MergeManifests, Publish").Output);
        Assert.DoesNotContain(publish.Jobs.SelectMany(j => j.Steps), step => step.Output.Contains("PRIVATE KEY"));
        var published = await Setup.TagsAsync("devcontainer");
        var freshness = Workflow("freshness.yml");
        var schedule = RehearsalEvent.Schedule(freshness.Schedules.Single(), Setup.Sha, RehearsalSetup.Repository);
        var categories = Permutations.SelectMany(id => new[] { "amd64", "arm64" }.Select(arch => $"devcontainer-image/{id}/linux-{arch}/")).Order(StringComparer.Ordinal).ToList();

        // A day with nothing new: both images hours old, clean. Kept; SARIF for each permutation and platform uploaded in
        // one upload; nothing asked of GitHub's Actions and nothing written to the registry.
        var quiet = await RehearseAsync(freshness, schedule, MachineFor("freshness-quiet"), "freshness-quiet");
        Assert.True(quiet.Succeeded, quiet.Summary);
        var quietJob = quiet.Of("freshness").Single();
        Assert.Equal("write", quietJob.Permissions["security-events"]);
        Assert.Equal("success", quietJob.Step("Upload the SARIF").Outcome);
        var quietUpload = Assert.Single(Setup.GitHubApi.CodeScanningUploads);
        Assert.Equal(("refs/heads/main", Setup.Sha), (quietUpload.Ref, quietUpload.CommitSha));
        Assert.Equal(categories, Categories(quietUpload.Sarif));
        Assert.All(quietUpload.Sarif["runs"]!.AsArray(), run => Assert.Empty(run!["results"]!.AsArray()));
        Assert.Empty(Setup.GitHubApi.Dispatches);
        Assert.DoesNotContain(quietJob.RegistryRequests, r => r.Method is "PUT" or "POST" or "PATCH" or "DELETE");
        Assert.Equal(published, await Setup.TagsAsync("devcontainer"));

        // The next day: the first image's packages gain a fixable HIGH (and an unfixable LOW); the second image's index
        // says it was built 10 days ago (as one published then would: its packages snapshot is of that day).
        var agedDigest = await Setup.RewriteManifestAsync("devcontainer", aged, index => index["annotations"]![Pipeline.Rules.PackageSnapshot.LabelKey] = DaysAgo(10));
        var staleMachine = MachineFor("freshness-stale");
        staleMachine.Environment["TRIVY_TEST_DOUBLE_FINDINGS"] = RepoPaths.TrivySample("trivy-report-ubi-7-comprehensive.json");
        staleMachine.Environment["TRIVY_TEST_DOUBLE_FINDINGS_MATCH"] = fixable;
        var stale = await RehearseAsync(freshness, schedule, staleMachine, "freshness-stale");
        Assert.True(stale.Succeeded, stale.Summary);
        var dispatch = Assert.Single(Setup.GitHubApi.Dispatches);
        Assert.Equal(("build-devcontainer.yml", "refs/heads/main", Setup.Sha), (dispatch.Workflow, dispatch.Ref, dispatch.Sha));
        Assert.Equal(new Dictionary<string, string> { ["refresh-packages"] = $"{fixable},{aged}" }, dispatch.Inputs);
        var staleUpload = Setup.GitHubApi.CodeScanningUploads.Last();
        Assert.Equal(categories, Categories(staleUpload.Sarif));
        Assert.Equal(["CVE-2022-40897"], RuleIds(staleUpload.Sarif, $"devcontainer-image/{fixable}/linux-amd64/").Where(r => r == "CVE-2022-40897"));
        Assert.Empty(RuleIds(staleUpload.Sarif, $"devcontainer-image/{aged}/linux-amd64/"));
        var summary = await File.ReadAllTextAsync(Path.Combine(Scratch, "freshness-stale", "jobs", "01-freshness", "step-summary.md"));
        Assert.Contains("Unfixable findings", summary);
        Assert.Contains("| CVE-2019-18276 | LOW | bash |", summary);
        Assert.Contains($"Rebuild requested: `build-devcontainer.yml` on `main` with `refresh-packages: {fixable},{aged}`.", summary);
        Assert.Equal(published.Where(t => t.Key != aged), (await Setup.TagsAsync("devcontainer")).Where(t => t.Key != aged)); // Refresh itself moves nothing

        // What GitHub starts for that dispatch: build-devcontainer.yml's workflow_dispatch run on main with the inputs.
        var rebuild = await RehearseAsync(Workflow(dispatch.Workflow), RehearsalEvent.WorkflowDispatch(dispatch.Ref, dispatch.Sha, RehearsalSetup.Repository, dispatch.Inputs),
            MachineFor("rebuild"), "rebuild");
        Assert.True(rebuild.Succeeded, rebuild.Summary);
        var after = await Setup.TagsAsync("devcontainer");
        var today = DaysAgo(0);
        foreach (var (id, was, snapshot) in new[] { (fixable, published[fixable], today + ".2"), (aged, agedDigest, today) })
        {
            Assert.NotEqual(was, after[id]);                                            // re-tagged: a new image
            Assert.Equal(published[$"{Setup.Sha}-{id}"], after[$"{Setup.Sha}-{id}"]);  // the commit's own tag is immutable
            Assert.Equal(snapshot, (string?)(await Setup.IndexAnnotationsAsync("devcontainer", id))[Pipeline.Rules.PackageSnapshot.LabelKey]);
            var verify = await Setup.CosignVerifyAsync($"{Setup.RegistryPrefix}/devcontainer:{id}", Log);
            Assert.True(verify.Succeeded, $"cosign verify --key failed for the rebuilt {id}: {verify.Output}"); // re-signed
        }
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Scratch, "rebuild", "artifacts", "published-manifest", "manifest.json")))!;
        Assert.Equal(Permutations.Select(id => (id, after[id])), manifest["permutations"]!.AsArray().Select(p => ((string)p!["id"]!, (string)p["digest"]!)).OrderBy(p => p.Item1, StringComparer.Ordinal));
    }

    static List<string> Categories(JsonObject sarif) =>
        sarif["runs"]!.AsArray().Select(run => (string)run!["automationDetails"]!["id"]!).Order(StringComparer.Ordinal).ToList();

    static IEnumerable<string> RuleIds(JsonObject sarif, string category) =>
        sarif["runs"]!.AsArray().Single(run => (string?)run!["automationDetails"]!["id"] == category)!["results"]!.AsArray().Select(r => (string)r!["ruleId"]!).Distinct();
}
