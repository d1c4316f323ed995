using Xunit;

namespace Integration.Tests.Rehearsal;

public class MatrixExpansionTests
{
    static IReadOnlyList<string> Expand(string matrixJson, string needsOutput = "")
    {
        var contexts = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["needs"] = ExpressionValue.FromJson("{\"plan\":{\"outputs\":{\"matrix\":" + System.Text.Json.JsonSerializer.Serialize(needsOutput) + "}}}"),
        };
        var matrix = matrixJson.StartsWith("${{") ? matrixJson : ExpressionValue.FromJson(matrixJson);
        return MatrixExpansion.Expand(matrix, new ExpressionEvaluator(contexts))
            .Select(c => string.Join(",", c.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={ExpressionValue.ToText(p.Value)}"))).ToList();
    }

    [Fact]
    public void Vectors_multiply_and_exclude_removes_matches() =>
        Assert.Equal(["arch=amd64,id=a", "arch=arm64,id=a", "arch=amd64,id=b"],
            Expand("""{"id":["a","b"],"arch":["amd64","arm64"],"exclude":[{"id":"b","arch":"arm64"}]}"""));

    [Fact]
    public void Include_extends_combinations_it_does_not_overwrite_and_adds_the_rest() =>
        Assert.Equal(["arch=amd64,id=a,runner=x64", "arch=arm64,id=a,runner=arm", "arch=riscv64,experimental=true"],
            Expand("""{"id":["a"],"arch":["amd64","arm64"],"include":[{"runner":"x64"},{"arch":"arm64","runner":"arm"},{"arch":"riscv64","experimental":"true"}]}"""));

    [Fact]
    public void Include_alone_lists_the_combinations() =>
        Assert.Equal(["arch=amd64,permutation=p", "arch=arm64,permutation=p"],
            Expand("""{"include":[{"permutation":"p","arch":"amd64"},{"permutation":"p","arch":"arm64"}]}"""));

    [Fact]
    public void A_matrix_from_a_needed_jobs_output_is_evaluated() =>
        Assert.Equal(["id=x", "id=y"], Expand("${{ fromJSON(needs.plan.outputs.matrix) }}", """{"id":["x","y"]}"""));
}
