using NJsonSchema;
using Xunit;

namespace WorkflowTests;

/// <summary>Every generated workflow is valid against the published GitHub workflow JSON schema (shared fixture).</summary>
public class WorkflowSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        var path = WorkflowTestSupport.WorkflowSchemaPath;
        Assert.True(File.Exists(path), $"The workflow schema fixture {path} is missing; it is committed with the repository (Fixtures/README.md).");
        return JsonSchema.FromJsonAsync(File.ReadAllText(path)).GetAwaiter().GetResult();
    });

    public static TheoryData<string> AllWorkflows() => HardeningTests.AllWorkflows();

    [Theory]
    [MemberData(nameof(AllWorkflows))]
    public void Workflow_is_valid_against_the_GitHub_workflow_schema(string name)
    {
        var text = name.StartsWith("variant:")
            ? WorkflowTestSupport.MatrixVariants().Single(v => "variant:" + v.Name == name).Workflow.Text
            : WorkflowTestSupport.Generated().Single(w => w.FileName == name).Text;
        var errors = Schema.Value.Validate(YamlToJson.Convert(text)!.ToJsonString());
        Assert.True(errors.Count == 0, $"{name}: " + string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public void The_schema_knows_queue_max_and_rejects_another_queue_value()
    {
        const string ok = "name: q\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    concurrency:\n      group: g\n      cancel-in-progress: false\n      queue: max\n    steps:\n      - run: echo\n";
        Assert.Empty(Schema.Value.Validate(YamlToJson.Convert(ok)!.ToJsonString()));
        Assert.NotEmpty(Schema.Value.Validate(YamlToJson.Convert(ok.Replace("queue: max", "queue: all"))!.ToJsonString()));
    }

    [Fact]
    public void The_schema_rejects_a_job_without_runs_on_and_a_string_timeout()
    {
        const string bad = "name: bad\non: push\njobs:\n  build:\n    timeout-minutes: soon\n    steps:\n      - run: echo\n";
        var errors = Schema.Value.Validate(YamlToJson.Convert(bad)!.ToJsonString());
        Assert.NotEmpty(errors);
    }
}
