namespace Pipeline.Rules;

/// <summary>One full image reference to apply, e.g. <c>ghcr.io/o/r/devcontainer:gcc15-clang20</c>.</summary>
public sealed record ImageTag(string Reference, bool IsMutable)
{
    /// <summary>The part after the last ':' (the tag alone).</summary>
    public string Tag => Reference[(Reference.LastIndexOf(':') + 1)..];

    public override string ToString() => Reference + (IsMutable ? " (mutable)" : " (immutable)");
}
