namespace Pipeline.Rules;

/// <summary>What the registry already holds for one permutation's digest (observed before acting).</summary>
public sealed record RegistryState(
    bool IndexPresent,
    bool Signed,
    bool ProvenanceAttested,
    bool SbomAttested,
    IReadOnlyDictionary<string, string?> TagDigests);

public enum PublishStepKind { Push, Sign, AttestProvenance, AttestSbom, Verify, Tag }

/// <param name="Tag">For a Tag step: the tag as the tag policy classifies it.</param>
public sealed record PublishStep(PublishStepKind Kind, string PermutationId, string Target, ImageTag? Tag = null)
{
    public override string ToString() => $"{Kind,-16} {PermutationId,-20} {Target}";
}

/// <summary>
/// Orders a permutation's publication: push → sign → attest (provenance, SBOM) → verify → tag, skipping whatever
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
        if (!pushed || !state.SbomAttested) steps.Add(new(PublishStepKind.AttestSbom, permutation.Id, target));
        steps.Add(new(PublishStepKind.Verify, permutation.Id, target));
        steps.AddRange(TagSteps(permutation, tags, state.TagDigests, mutableOnly: false));
        return steps;
    }

    /// <summary>Rollback: only mutable tags move back; immutable tags are never touched.</summary>
    public static IReadOnlyList<PublishStep> ForRollback(ManifestPermutation permutation, IReadOnlyList<ImageTag> tags, IReadOnlyDictionary<string, string?> tagDigests) =>
        [new(PublishStepKind.Verify, permutation.Id, permutation.DigestReference), .. TagSteps(permutation, tags, tagDigests, mutableOnly: true)];

    /// <summary>Immutable tags first: a mutable tag moves only once every immutable tag of the run is known to be this run's.</summary>
    static IEnumerable<PublishStep> TagSteps(ManifestPermutation permutation, IReadOnlyList<ImageTag> tags, IReadOnlyDictionary<string, string?> tagDigests, bool mutableOnly)
    {
        var steps = new List<PublishStep>();
        foreach (var tag in tags.OrderBy(t => t.IsMutable))
        {
            if (mutableOnly && !tag.IsMutable) continue;
            // The tag policy owns the rule: create, leave unchanged, move a mutable tag; an immutable one elsewhere throws.
            var move = TagPolicy.CheckMove(tag, tagDigests.GetValueOrDefault(tag.Reference), permutation.Digest);
            if (move != TagMove.Unchanged) steps.Add(new PublishStep(PublishStepKind.Tag, permutation.Id, tag.Reference, tag));
        }
        return steps;
    }
}
