namespace Pipeline.Rules;

public enum PublishPhaseKind { Push, Sign, Attest, Verify, ImmutableTags, MutableTags }

/// <summary>One phase of a publish: its steps run side by side; Sign and Verify are one batched cosign call each.</summary>
public sealed record PublishPhase(PublishPhaseKind Kind, IReadOnlyList<PublishStep> Steps)
{
    /// <summary>The images the phase acts on, each once (the targets of its steps).</summary>
    public IReadOnlyList<string> Targets => Steps.Select(s => s.Target).Distinct().ToList();

    /// <summary>
    /// The steps per target, in plan order: lanes that may run side by side, each one step after another. An image's
    /// two attestations share its one <c>sha256-&lt;digest&gt;.att</c> manifest, which cosign reads, extends and writes
    /// back: two at once on one image would leave only one of them.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<PublishStep>> Lanes =>
        Steps.GroupBy(s => s.Target).Select(g => (IReadOnlyList<PublishStep>)g.ToList()).ToList();
}

/// <summary>
/// Orders the steps of every permutation's <see cref="PublishPlan"/> into phases that run one after another:
/// push → sign → attest → verify → immutable tags → mutable tags. Every permutation is pushed, signed, attested and
/// verified before the first tag moves, and every immutable tag is written before any mutable one — the order one
/// permutation's plan has, kept across all of them — while the work inside a phase overlaps its network waits and
/// the cosign calls that take several images are made once for all (one process, the key opened once).
/// </summary>
public static class PublishPhases
{
    public static IReadOnlyList<PublishPhase> Of(IEnumerable<PublishStep> steps)
    {
        var all = steps.ToList();
        return Enum.GetValues<PublishPhaseKind>()
            .Select(kind => new PublishPhase(kind, all.Where(s => PhaseOf(s) == kind).ToList()))
            .Where(phase => phase.Steps.Count > 0)
            .ToList();
    }

    /// <summary>
    /// How many steps of a phase run at once: the machine's cores (cosign and skopeo spend CPU on hashing, signing and
    /// compressing), but at least two, so one step's network wait overlaps another's work.
    /// </summary>
    public static int Concurrency(int processorCount) => Math.Max(2, processorCount);

    static PublishPhaseKind PhaseOf(PublishStep step) => step.Kind switch
    {
        PublishStepKind.Push => PublishPhaseKind.Push,
        PublishStepKind.Sign => PublishPhaseKind.Sign,
        PublishStepKind.AttestProvenance or PublishStepKind.AttestSbom => PublishPhaseKind.Attest,
        PublishStepKind.Verify => PublishPhaseKind.Verify,
        PublishStepKind.Tag => step.Tag!.IsMutable ? PublishPhaseKind.MutableTags : PublishPhaseKind.ImmutableTags,
        _ => throw new ArgumentOutOfRangeException(nameof(step), step.Kind, "unknown publish step"),
    };
}
