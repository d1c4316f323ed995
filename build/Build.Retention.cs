using Pipeline.Host;

partial class Build
{
    Target Retention => _ => _
        .Description("Delete old, untagged and pull-request images by the committed retention policy; never a kept image's parts")
        .Executes(() => throw new NotImplementedException("Retention"));

    Target Prune => _ => _
        .Description("Runner hygiene: prune Docker and buildx state (only when asked)")
        .Executes(() => throw new NotImplementedException("Prune"));
}
