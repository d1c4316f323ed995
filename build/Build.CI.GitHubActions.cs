using Pipeline.Host;

partial class Build
{
    Target GenerateWorkflows => _ => _
        .Description("Regenerate .github/workflows/*.yml from the attributes on the build class")
        .Executes(() => throw new NotImplementedException("GenerateWorkflows"));
}
