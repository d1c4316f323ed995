using Pipeline.Host;

partial class Build
{
    Target Bake => _ => _
        .Description("Build the selected permutations for all their platforms into OCI archives under artifacts/images/")
        .Executes(() => throw new NotImplementedException("Bake"));

    Target Validate => _ => _
        .Description("Run each permutation's smoke tests (the validate bake group) on every platform")
        .DependsOn(Bake)
        .Executes(() => throw new NotImplementedException("Validate"));
}
