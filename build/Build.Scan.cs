using Pipeline.Host;

partial class Build
{
    Target Scan => _ => _
        .Description("Scan each OCI archive with Trivy and gate on the configured severities")
        .DependsOn(Bake)
        .Executes(() => throw new NotImplementedException("Scan"));

    Target Sbom => _ => _
        .Description("Write a CycloneDX SBOM per permutation and gate on missing, empty or invalid SBOMs")
        .DependsOn(Bake)
        .Executes(() => throw new NotImplementedException("Sbom"));

    Target Manifest => _ => _
        .Description("Write artifacts/manifest.json: every permutation's archive, digests, tags, SBOM and scan verdict")
        .DependsOn(Bake, Validate, Scan, Sbom)
        .Executes(() => throw new NotImplementedException("Manifest"));
}
