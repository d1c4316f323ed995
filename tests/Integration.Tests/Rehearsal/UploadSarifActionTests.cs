using Xunit;

namespace Integration.Tests.Rehearsal;

public class UploadSarifActionTests
{
    static string Sarif(string category, string run = """{"tool":{"driver":{"name":"Trivy"}},"results":[],"automationDetails":{"id":"CATEGORY"}}""") =>
        $$"""{"version":"2.1.0","$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[{{run.Replace("CATEGORY", category)}}]}""";

    [Fact]
    public void Runs_of_their_own_category_pass_and_the_runs_come_back()
    {
        var (runs, refusal) = UploadSarifAction.Validate([("a.sarif", Sarif("devcontainer-image/a/linux-amd64/")), ("b.sarif", Sarif("devcontainer-image/a/linux-arm64/"))]);
        Assert.Null(refusal);
        Assert.Equal(2, runs.Count);
    }

    [Fact]
    public void Two_runs_of_one_tool_and_category_are_refused_as_the_action_refuses_them()
    {
        var (_, refusal) = UploadSarifAction.Validate([("a.sarif", Sarif("same/")), ("b.sarif", Sarif("same/"))]);
        Assert.StartsWith("The CodeQL Action does not support uploading multiple SARIF runs with the same category", refusal);
    }

    [Fact]
    public void A_run_without_its_tool_or_a_file_that_is_not_JSON_is_refused_naming_the_file()
    {
        var (_, noTool) = UploadSarifAction.Validate([("no-tool.sarif", Sarif("x/", """{"results":[]}"""))]);
        Assert.StartsWith("Unable to upload \"no-tool.sarif\" as it is not valid SARIF:", noTool);
        Assert.Contains("tool", noTool);
        var (_, notJson) = UploadSarifAction.Validate([("broken.sarif", "{\"version\":")]);
        Assert.StartsWith("Invalid SARIF. JSON syntax error", notJson);
    }
}
