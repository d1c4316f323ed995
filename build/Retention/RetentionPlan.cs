namespace Pipeline.Retention;

/// <summary>What a version is, for the table and the reasons.</summary>
public enum VersionRole { Image, PlatformManifest, Signature, Attestation, Sbom, Referrer }

public sealed record PlannedDeletion(RegistryVersion Version, VersionRole Role, string Reason);

public sealed record KeptVersion(RegistryVersion Version, VersionRole Role, string Reason);

/// <summary>The planner's answer: every version is either kept or deleted, each with its reason.</summary>
public sealed record RetentionPlan(IReadOnlyList<PlannedDeletion> Deletions, IReadOnlyList<KeptVersion> Kept)
{
    public IEnumerable<string> DeletedDigests => Deletions.Select(d => d.Version.Digest);
    public IEnumerable<string> KeptDigests => Kept.Select(k => k.Version.Digest);
}
