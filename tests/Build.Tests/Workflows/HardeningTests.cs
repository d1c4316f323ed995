using Xunit;

namespace WorkflowTests;

/// <summary>The hardening rules over every generated workflow, committed and in every attribute variant.</summary>
public class HardeningTests
{
    // Only the jobs that write to the registry get write scopes; only publishing signs images keylessly (id-token), and the
    // push build signs the main cache it exported (CachePolicy.Trust.cs).
    private static readonly Dictionary<string, Dictionary<string, string[]>> AllowedWrites = new()
    {
        // The push build writes (and signs: id-token) its -main cache and pushes its platform image untagged; the merge job
        // puts their index (untagged) beside them; pull-request builds (build-pr) only read. publish and rollback move the
        // lkg tag (the last-known-good pin): contents.
        ["build-devcontainer.yml"] = new() { ["build"] = ["id-token", "packages"], ["merge"] = ["packages"], ["publish"] = ["contents", "id-token", "packages"] },
        // reads the published images; writes code scanning's alerts (its SARIF) and asks GitHub to run build-devcontainer (actions)
        ["freshness.yml"] = new() { ["freshness"] = ["actions", "security-events"] },
        ["retention.yml"] = new() { ["retention"] = ["packages"] },
        ["rollback.yml"] = new() { ["rollback"] = ["contents", "packages"] },
        ["test.yml"] = new(),
        // pushes its branch and opens the pull request with the base pin's change
        ["update-base-pin.yml"] = new() { ["update-base-pin"] = ["contents", "pull-requests"] },
    };

    public static TheoryData<string> AllWorkflows()
    {
        var data = new TheoryData<string>();
        foreach (var w in WorkflowTestSupport.Generated()) data.Add(w.FileName);
        foreach (var v in WorkflowTestSupport.MatrixVariants()) data.Add("variant:" + v.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllWorkflows))]
    public void Workflow_keeps_every_hardening_rule(string name)
    {
        var (fileName, text) = Resolve(name);
        var violations = WorkflowHardening.Check(text, AllowedWrites[fileName]);
        Assert.True(violations.Count == 0, $"{name}:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_checker_catches_each_kind_of_violation()
    {
        const string bad = """
            name: bad
            on:
              pull_request_target:
            permissions: write-all
            jobs:
              build:
                runs-on: ubuntu-latest
                permissions:
                  packages: write
                steps:
                  - uses: actions/checkout@v4
                  - uses: actions/cache@5a3ec84eff668545956fd18022155c47e93e2684
                  - name: greet
                    run: echo "${{ github.event.pull_request.title }}"
                  - name: login
                    uses: docker/login-action@c94ce9fb468520275223c153574b00df6fe4bcc9 # v3.7.0
                    with:
                      password: ${{ secrets.GITHUB_TOKEN }}
            """;
        var violations = WorkflowHardening.Check(bad, new Dictionary<string, string[]>());
        foreach (var rule in new[] { "header:", "trigger:", "permissions: the top level", "concurrency:", "permissions: job 'build'",
                     "pinning: step '(unnamed)' in job 'build' uses 'actions/checkout@v4'", "pinning: `uses: actions/cache@", "injection: step 'greet'", "secrets: .jobs.build.steps[3].with.password" })
            Assert.Contains(violations, v => v.StartsWith(rule));
    }

    [Fact]
    public void Secrets_and_matrix_values_reach_the_build_only_through_env()
    {
        var text = WorkflowTestSupport.Generated().Single(w => w.FileName == "build-devcontainer.yml").Text;
        Assert.Contains("run: ./build.sh Bake Validate --permutations \"$PERMUTATIONS\" --platforms \"$PLATFORMS\" --per-platform-job \"$PER_PLATFORM_JOB\" --registry \"$REGISTRY\" --artifacts \"$ARTIFACTS\"", text);
        Assert.Contains("PERMUTATIONS: ${{ matrix.permutation }}", text);
        Assert.Contains("REGISTRY: ${{ vars.DEVCONTAINER_REGISTRY || format('ghcr.io/{0}', github.repository_owner) }}", text);
        Assert.Contains("GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}", text);
    }

    private static (string FileName, string Text) Resolve(string name) => name.StartsWith("variant:")
        ? ("build-devcontainer.yml", WorkflowTestSupport.MatrixVariants().Single(v => "variant:" + v.Name == name).Workflow.Text)
        : (name, WorkflowTestSupport.Generated().Single(w => w.FileName == name).Text);
}
