using Xunit;

namespace Integration.Tests.Rehearsal;

public class ExpressionEvaluatorTests
{
    static ExpressionEvaluator Evaluator(JobStatus status = JobStatus.Success)
    {
        var contexts = (Dictionary<string, object?>)ExpressionValue.FromJson("""
            {"github":{"event_name":"pull_request","repository":"acme/repo","repository_owner":"acme","ref":"refs/heads/main",
               "event":{"pull_request":{"head":{"repo":{"full_name":"acme/repo"}}}}},
             "vars":{"DEVCONTAINER_REGISTRY":""},
             "matrix":{"arch":"arm64","n":3},
             "needs":{"plan":{"outputs":{"matrix":"{\"id\":[\"a\",\"b\"]}"}}},
             "steps":{"s1":{"outputs":{"v":"x"}}}}
            """)!;
        return new ExpressionEvaluator(new Dictionary<string, object?>(contexts, StringComparer.OrdinalIgnoreCase), status);
    }

    [Theory]
    [InlineData("github.event_name == 'pull_request'", true)]
    [InlineData("github.event_name == 'PULL_REQUEST'", true)] // strings compare ignoring case
    [InlineData("github.event.pull_request.head.repo.full_name == github.repository", true)]
    [InlineData("github.event.pull_request.head.repo.full_name != github.repository", false)]
    [InlineData("startsWith(github.ref, 'refs/heads/')", true)]
    [InlineData("startsWith(github.ref, 'refs/tags/')", false)]
    [InlineData("!startsWith(github.ref, 'refs/tags/') && matrix.n > 2", true)]
    [InlineData("matrix.n == '3'", true)] // different types compare as numbers
    [InlineData("github.missing.deeper == null", true)]
    [InlineData("contains(fromJSON('[\"x\",\"arm64\"]'), matrix.arch)", true)]
    public void Conditions_follow_actions_semantics(string expression, bool expected) =>
        Assert.Equal(expected, ExpressionValue.IsTruthy(Evaluator().Evaluate(expression)));

    [Fact]
    public void And_or_return_an_operand_so_they_select_values()
    {
        var evaluator = Evaluator();
        Assert.Equal("[\"self-hosted\",\"linux\",\"arm64\"]", evaluator.Evaluate(
            "matrix.arch == 'arm64' && (vars.DEVCONTAINER_RUNS_ON_ARM64 || '[\"self-hosted\",\"linux\",\"arm64\"]') || 'x64'"));
        Assert.Equal("ghcr.io/acme", evaluator.Evaluate("vars.DEVCONTAINER_REGISTRY || format('ghcr.io/{0}', github.repository_owner)"));
    }

    [Fact]
    public void Interpolation_keeps_a_whole_expression_typed_and_turns_parts_into_text()
    {
        var evaluator = Evaluator();
        Assert.Equal(new object?[] { "a", "b" }, (List<object?>)((IReadOnlyDictionary<string, object?>)evaluator.Interpolate("${{ fromJSON(needs.plan.outputs.matrix) }}")!)["id"]!);
        Assert.Equal("artifacts/arm64-3-x", evaluator.Interpolate("artifacts/${{ matrix.arch }}-${{ matrix.n }}-${{ steps.s1.outputs.v }}"));
        Assert.Equal("{0} and {x}", evaluator.Interpolate("${{ format('{{0}} and {{{0}}}', 'x') }}"));
    }

    [Theory]
    [InlineData(JobStatus.Success, null, true)]
    [InlineData(JobStatus.Failure, null, false)]
    [InlineData(JobStatus.Failure, "${{ always() }}", true)]
    [InlineData(JobStatus.Failure, "${{ !cancelled() }}", true)]
    [InlineData(JobStatus.Failure, "failure()", true)]
    [InlineData(JobStatus.Success, "failure()", false)]
    [InlineData(JobStatus.Failure, "github.event_name == 'pull_request'", false)] // an implicit success() &&
    [InlineData(JobStatus.Failure, "always() && runner.environment == 'self-hosted'", false)]
    public void If_conditions_apply_the_status_functions(JobStatus status, string? condition, bool runs)
    {
        var contexts = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["github"] = ExpressionValue.FromJson("{\"event_name\":\"pull_request\"}"),
            ["runner"] = ExpressionValue.FromJson("{\"environment\":\"github-hosted\"}"),
        };
        Assert.Equal(runs, new ExpressionEvaluator(contexts, status).Condition(condition));
    }

    [Theory]
    [InlineData("hashFiles('**/*.csproj')")] // only with a workspace
    [InlineData("secrets.TOKEN")]
    [InlineData("github.event_name = 'push'")]
    [InlineData("format('{1}', 'x')")]
    public void What_it_cannot_evaluate_faithfully_is_an_error_not_a_guess(string expression) =>
        Assert.ThrowsAny<Exception>(() => Evaluator().Evaluate(expression));

    [Fact]
    public void HashFiles_hashes_the_matching_files_of_the_workspace_in_path_order()
    {
        var workspace = Directory.CreateTempSubdirectory("hashfiles-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(workspace, "build"));
            File.WriteAllText(Path.Combine(workspace, "build", "_build.csproj"), "a");
            File.WriteAllText(Path.Combine(workspace, "global.json"), "b");
            File.WriteAllText(Path.Combine(workspace, "other.txt"), "c");
            var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                [.. System.Security.Cryptography.SHA256.HashData("a"u8), .. System.Security.Cryptography.SHA256.HashData("b"u8)]));
            var evaluator = new ExpressionEvaluator(new Dictionary<string, object?>(), hashFiles: p => HashFiles.Of(workspace, p));
            Assert.Equal(expected, evaluator.Evaluate("hashFiles('**/*.csproj', 'global.json', 'Directory.Build.props')"));
            Assert.Equal("", evaluator.Evaluate("hashFiles('**/*.none')"));
        }
        finally { Directory.Delete(workspace, recursive: true); }
    }
}
