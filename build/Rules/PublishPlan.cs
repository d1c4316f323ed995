namespace Pipeline.Rules;

/// <summary>
/// What the registry already holds for one permutation's digest (observed before acting): the index, its signature and
/// provenance, each platform's SBOM reference attestation with its document (by platform manifest digest), the tags.
/// </summary>
public sealed record RegistryState(
    bool IndexPresent,
    bool Signed,
    bool ProvenanceAttested,
    IReadOnlyDictionary<string, bool> PlatformSbomsAttested,
    IReadOnlyDictionary<string, string?> TagDigests);

public enum PublishStepKind { Push, Sign, AttestProvenance, AttestSbom, Verify, Tag }

/// <param name="Change">For a Tag step: the tag (as the tag policy classifies it), where it points now and where it will.</param>
public sealed record PublishStep(PublishStepKind Kind, string PermutationId, string Target, TagChange? Change = null)
{
    public ImageTag? Tag => Change?.Tag;

    public override string ToString() => $"{Kind,-16} {PermutationId,-20} {Target}" + (Change is { } c ? $"  {c.Current ?? "(none)"} → {c.Target}" : "");
}

/// <summary>One tag as a publish or rollback plans it: the digest it points at now (null: no such tag) and the one it points it at.</summary>
public sealed record TagChange(ImageTag Tag, string? Current, string Target)
{
    public bool Moves => !string.Equals(Current, Target, StringComparison.Ordinal);

    /// <summary>"repo:tag  sha256:old → sha256:new" ("(none) → …" for a new tag), or "repo:tag  sha256:… (unchanged)".</summary>
    public override string ToString() => Moves ? $"{Tag.Reference}  {Current ?? "(none)"} → {Target}" : $"{Tag.Reference}  {Target} (unchanged)";
}

/// <summary>
/// Orders a permutation's publication: push (only from an archive: an image in the registry is there already) → sign
/// → attest (provenance on the index, each platform's SBOM on that platform's manifest) → verify → tag, skipping whatever
/// the registry already holds so that a re-run (or the re-run after a kill) completes the work and changes nothing
/// that is done. Verify always runs. Tags come last and only after verification, so a mutable tag never points
/// at an image without its signature and attestations. An immutable tag that already points elsewhere is refused.
/// Tags are the entry's tags as <see cref="TagPolicy.OfManifestEntry"/> derives them, never the manifest's flags.
/// </summary>
public static class PublishPlan
{
    public static IReadOnlyList<PublishStep> ForPermutation(ManifestPermutation permutation, IReadOnlyList<ImageTag> tags, RegistryState state)
    {
        var steps = new List<PublishStep>();
        var target = permutation.DigestReference;
        // A missing index means nothing attached to it can exist either.
        var pushed = state.IndexPresent;
        if (!pushed) steps.Add(new(PublishStepKind.Push, permutation.Id, target));
        if (!pushed || !state.Signed) steps.Add(new(PublishStepKind.Sign, permutation.Id, target));
        if (!pushed || !state.ProvenanceAttested) steps.Add(new(PublishStepKind.AttestProvenance, permutation.Id, target));
        foreach (var platform in permutation.Platforms)
            if (!pushed || !state.PlatformSbomsAttested.GetValueOrDefault(platform.Digest))
                steps.Add(new(PublishStepKind.AttestSbom, permutation.Id, PlatformReference(permutation, platform)));
        steps.Add(new(PublishStepKind.Verify, permutation.Id, target));
        steps.AddRange(TagSteps(permutation.Id, TagChanges(permutation, tags, state.TagDigests, mutableOnly: false)));
        return steps;
    }

    /// <summary>A platform's manifest in the permutation's repository, by digest: where its SBOM is attested.</summary>
    public static string PlatformReference(ManifestPermutation permutation, PlatformDigest platform) => $"{permutation.Repository}@{platform.Digest}";

    /// <summary>Rollback: only mutable tags move back; immutable tags are never touched.</summary>
    public static IReadOnlyList<PublishStep> ForRollback(ManifestPermutation permutation, IReadOnlyList<ImageTag> tags, IReadOnlyDictionary<string, string?> tagDigests) =>
        [new(PublishStepKind.Verify, permutation.Id, permutation.DigestReference), .. TagSteps(permutation.Id, TagChanges(permutation, tags, tagDigests, mutableOnly: true))];

    /// <summary>
    /// Every tag of the entry a publish (or, <paramref name="mutableOnly"/>, a rollback) acts on, immutable ones first, with
    /// the digest it points at now and the entry's: what the plan and the rollback log show as old → new.
    /// </summary>
    public static IReadOnlyList<TagChange> TagChanges(ManifestPermutation permutation, IReadOnlyList<ImageTag> tags, IReadOnlyDictionary<string, string?> tagDigests,
        bool mutableOnly) =>
        tags.OrderBy(t => t.IsMutable).Where(t => !mutableOnly || t.IsMutable)
            .Select(t => new TagChange(t, tagDigests.GetValueOrDefault(t.Reference), permutation.Digest)).ToList();

    /// <summary>Immutable tags first: a mutable tag moves only once every immutable tag of the run is known to be this run's.</summary>
    static IEnumerable<PublishStep> TagSteps(string permutationId, IReadOnlyList<TagChange> changes) =>
        // The tag policy owns the rule: create, leave unchanged, move a mutable tag; an immutable one elsewhere throws.
        changes.Where(c => TagPolicy.CheckMove(c.Tag, c.Current, c.Target) != TagMove.Unchanged)
            .Select(c => new PublishStep(PublishStepKind.Tag, permutationId, c.Tag.Reference, c)).ToList();
}
