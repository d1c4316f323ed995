using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Bake;

/// <summary>--plan shows what Bake would decide, without docker (a child build process, no toolchain needed).</summary>
public sealed class PlanTests(ITestOutputHelper output) : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("plan-").FullName;

    [Fact]
    public async Task Plan_shows_the_tags_and_cache_refs_a_default_branch_bake_would_use()
    {
        var result = await new BuildRunner(output).RunAsync(["Publish", "--plan", "--registry", "127.0.0.1:5000/plan", "--permutations", "gcc15-clang20"],
            null, KeylessJob(GitHubEvent.Push(_directory)), null);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Bake would decide", result.Output);
        Assert.Contains("mode=DefaultBranch", result.Output);
        Assert.Contains("127.0.0.1:5000/plan/devcontainer:gcc15-clang20 (mutable)", result.Output);
        Assert.Contains($"127.0.0.1:5000/plan/devcontainer:{GitHubEvent.Sha}-gcc15-clang20 (immutable)", result.Output);
        Assert.Contains("type=registry,ref=127.0.0.1:5000/plan/devcontainer-cache:gcc15-clang20-main,mode=max,registry.insecure=true", result.Output);
        Assert.DoesNotContain("gcc14-clang20", result.Output);
        // How long it takes, before anything starts (CI builds every platform: one native here, the other emulated).
        Assert.Contains("expected build time (first build, empty cache;", result.Output);
        Assert.Matches(@"  gcc15-clang20  linux/(amd64|arm64) \(native\)\s+5–10 min \(packages\)", result.Output);
        Assert.Matches(@"  gcc15-clang20  linux/(amd64|arm64) \(emulated\)\s+20–40 min \(packages under QEMU\)", result.Output);
        Assert.Contains("  in all: 25–50 min on this machine", result.Output);
    }

    [Fact]
    public async Task Plan_of_a_default_branch_bake_that_cannot_sign_shows_the_main_cache_neither_exported_nor_imported()
    {
        // A clean main on a laptop without --cosign-key: nothing to sign the export with, nothing to verify an import with.
        var laptop = GitHubEvent.Push(_directory);
        laptop["GITHUB_REPOSITORY"] = null;
        var result = await new BuildRunner(output).RunAsync(["Bake", "--plan", "--registry", "127.0.0.1:5000/plan", "--permutations", "gcc14-clang20",
            "--platforms", "linux/amd64"], null, laptop, null);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("mode=DefaultBranch", result.Output);
        Assert.Contains("  cache-from: none\n  cache-to: none\n", result.Output);
        Assert.Contains("devcontainer-cache:gcc14-clang20-main-amd64 not exported: nothing to sign it with", result.Output);
        Assert.DoesNotContain("signed by its digest after the build", result.Output);

        // In CI's keyless job the same plan exports it and signs it.
        var ci = await new BuildRunner(output).RunAsync(["Bake", "--plan", "--registry", "127.0.0.1:5000/plan", "--permutations", "gcc14-clang20",
            "--platforms", "linux/amd64"], null, KeylessJob(GitHubEvent.Push(_directory)), null);
        Assert.Contains("type=registry,ref=127.0.0.1:5000/plan/devcontainer-cache:gcc14-clang20-main-amd64,mode=max", ci.Output);
        Assert.Contains("main cache export: signed by its digest after the build", ci.Output);
    }

    /// <summary>A GitHub Actions job with <c>id-token: write</c>: it can sign keyless.</summary>
    static Dictionary<string, string?> KeylessJob(Dictionary<string, string?> environment)
    {
        environment["ACTIONS_ID_TOKEN_REQUEST_URL"] = "https://token.actions.example/";
        return environment;
    }

    [Fact]
    public async Task Plan_of_the_quick_start_says_p2996_takes_hours_before_anything_starts()
    {
        var result = await new BuildRunner(output).RunAsync(["--plan", "--registry", "127.0.0.1:5000/plan"], null,
            new Dictionary<string, string?> { ["CI"] = null }, null);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("this machine's own", result.Output);
        Assert.Matches(@"  gcc14-clangp2996  linux/(amd64|arm64) \(native\)\s+1–5 h \(packages, LLVM p2996 compiled from source\)", result.Output);
        Assert.Contains("the p2996 permutations (LLVM from source) dominate: --permutations and --platforms narrow the run", result.Output);
    }

    [Fact]
    public async Task Plan_of_a_pull_request_shows_no_tags_and_only_its_own_cache_write()
    {
        var result = await new BuildRunner(output).RunAsync(["Bake", "--plan", "--registry", "127.0.0.1:5000/plan", "--permutations", "gcc15-clang20"],
            null, GitHubEvent.PullRequest(_directory, 12), null);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("tags: none", result.Output);
        Assert.Contains("devcontainer-cache:gcc15-clang20-pr-12,mode=max", result.Output);
        Assert.DoesNotContain("gcc15-clang20-main,mode=max", result.Output);
    }

    [Fact]
    public async Task Plan_of_Rollback_without_its_manifest_is_refused_as_the_run_is_and_shows_no_bake_decisions()
    {
        var result = await new BuildRunner(output).RunAsync(["Rollback", "--plan"], null, GitHubEvent.Push(_directory), null);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("  Target 'Rollback' requires parameter 'manifest': pass --manifest <value>", result.Output);
        Assert.DoesNotContain("Bake would decide", result.Output);
    }

    [Fact]
    public async Task Plan_shows_every_refusal_the_run_would_make_without_the_network_and_exits_2()
    {
        var result = await new BuildRunner(output).RunAsync(["Bake", "--plan", "--platforms", "linux/amd65", "--permutations", "gcc14-clang20", "gcc14-clang20"],
            null, GitHubEvent.Push(_directory), null);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("The run would be refused before anything runs (exit 2):\n"
            + "  --permutations names gcc14-clang20 2 times; list each permutation once.\n"
            + "  --platforms 'linux/amd65' is not a platform BuildKit knows", result.Output);
        Assert.DoesNotContain("Bake would decide", result.Output);
        Assert.DoesNotContain("-main-amd65", result.Output); // no cache ref planned for it

        // Publish and Rollback without anything to sign or verify with, as on a laptop without a key.
        var laptop = GitHubEvent.Push(_directory);
        laptop["GITHUB_REPOSITORY"] = null;
        var publish = await new BuildRunner(output).RunAsync(["Publish", "--plan", "--permutations", "gcc14-clang20"], null, laptop, null);
        Assert.Equal(2, publish.ExitCode);
        Assert.Contains("  Publish needs a signing identity: pass --cosign-key <cosign.key> with COSIGN_PASSWORD", publish.Output);
        var rollback = await new BuildRunner(output).RunAsync(["Rollback", "--plan", "--manifest", Path.Combine(_directory, "none.json")], null, laptop, null);
        Assert.Equal(2, rollback.ExitCode);
        Assert.Contains("  Verifying keyless signatures needs the signer's identity", rollback.Output);
        // And the manifest it lacks, on a line of its own, with where to get one.
        Assert.Contains($"  Rollback --manifest {Path.Combine(_directory, "none.json")}: {Path.Combine(_directory, "none.json")} does not exist; "
            + "pass the manifest of the release to roll back to", rollback.Output);
    }

    [Fact]
    public async Task Plan_lists_what_each_target_produces_under_the_artifacts_directory_given()
    {
        var result = await new BuildRunner(output).RunAsync(["Manifest", "--plan", "--artifacts", "out/run-1", "--permutations", "gcc15-clang20"],
            null, GitHubEvent.Push(_directory), null);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("produces out/run-1/bake.override.json, out/run-1/bake-plan.txt, out/run-1/bake-plan.json, out/run-1/pushed/*.json, out/run-1/images/*.index.json, out/run-1/bake-metadata.json", result.Output);
        Assert.Contains("produces out/run-1/scan/*.json, out/run-1/summary.md", result.Output);
        Assert.Contains("produces out/run-1/manifest.json, out/run-1/provenance/*.slsa.json", result.Output);
        Assert.DoesNotContain("produces artifacts/", result.Output);
        Assert.DoesNotContain(".tar", result.Output); // images go to a registry; an archive only with --image-output archive
        Assert.Contains("image: 127.0.0.1:5000/devcontainer-pipeline/devcontainer (untagged: by digest, or under a temporary tag on the docker driver)", result.Output);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
