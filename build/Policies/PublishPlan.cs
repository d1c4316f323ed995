/// <summary>What the registry already holds for one permutation's digest (observed before acting).</summary>
public sealed record RegistryState(
    bool IndexPresent,
    bool Signed,
    bool ProvenanceAttested,
    bool SbomAttested,
    IReadOnlyDictionary<string, string?> TagDigests);

public enum PublishStepKind { Push, Sign, AttestProvenance, AttestSbom, Verify, Tag }

public sealed record PublishStep(PublishStepKind Kind, string PermutationId, string Target)
{
    public override string ToString() => $"{Kind,-16} {PermutationId,-20} {Target}";
}

/// <summary>
/// Orders a permutation's publication: push → sign → attest (provenance, SBOM) → verify → tag, skipping whatever
/// the registry already holds so that a re-run (or the re-run after a kill) completes the work and changes nothing
/// that is done. Verify always runs. Tags come last and only after verification, so a mutable tag never points
/// at an image without its signature and attestations. An immutable tag that already points elsewhere is refused.
/// </summary>
public static class PublishPlan
{
    public static IReadOnlyList<PublishStep> ForPermutation(ManifestPermutation permutation, RegistryState state)
    {
        var steps = new List<PublishStep>();
        var target = permutation.DigestReference;
        // A missing index means nothing attached to it can exist either.
        var pushed = state.IndexPresent;
        if (!pushed) steps.Add(new(PublishStepKind.Push, permutation.Id, target));
        if (!pushed || !state.Signed) steps.Add(new(PublishStepKind.Sign, permutation.Id, target));
        if (!pushed || !state.ProvenanceAttested) steps.Add(new(PublishStepKind.AttestProvenance, permutation.Id, target));
        if (!pushed || !state.SbomAttested) steps.Add(new(PublishStepKind.AttestSbom, permutation.Id, target));
        steps.Add(new(PublishStepKind.Verify, permutation.Id, target));
        steps.AddRange(TagSteps(permutation, state.TagDigests, mutableOnly: false));
        return steps;
    }

    /// <summary>Rollback: only mutable tags move back; immutable tags are never touched.</summary>
    public static IReadOnlyList<PublishStep> ForRollback(ManifestPermutation permutation, IReadOnlyDictionary<string, string?> tagDigests) =>
        [new(PublishStepKind.Verify, permutation.Id, permutation.DigestReference), .. TagSteps(permutation, tagDigests, mutableOnly: true)];

    static IEnumerable<PublishStep> TagSteps(ManifestPermutation permutation, IReadOnlyDictionary<string, string?> tagDigests, bool mutableOnly)
    {
        var steps = new List<PublishStep>();
        foreach (var tag in permutation.Tags)
        {
            if (mutableOnly && !tag.Mutable) continue;
            // The tag policy owns the rule: create, leave unchanged, move a mutable tag; an immutable one elsewhere throws.
            var move = TagPolicy.CheckMove(new ImageTag(tag.Reference, tag.Mutable), tagDigests.GetValueOrDefault(tag.Reference), permutation.Digest);
            if (move != TagMove.Unchanged) steps.Add(new PublishStep(PublishStepKind.Tag, permutation.Id, tag.Reference));
        }
        return steps;
    }
}
