using Pipeline.Host;

partial class Build
{
    Target Publish => _ => _
        .Description("Push each archive by digest, sign, attest and verify it, then move its tags")
        .DependsOn(Manifest)
        .Executes(() => throw new NotImplementedException("Publish"));

    Target Rollback => _ => _
        .Description("Move the mutable tags back to the digests of a last-known-good manifest (no rebuild)")
        .Executes(() => throw new NotImplementedException("Rollback"));
}
