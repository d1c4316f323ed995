using System.Runtime.InteropServices;

namespace Pipeline.Rules;

/// <summary>The platforms a run builds, and the line that says why when it is not what the permutations list.</summary>
/// <param name="Platforms">The --platforms every selected permutation is built for; empty: each permutation's own.</param>
/// <param name="Note">Why the run builds fewer platforms than the permutations list, and how to build them all; null otherwise.</param>
public sealed record PlatformChoice(IReadOnlyList<string> Platforms, string? Note)
{
    public bool NarrowedToNative => Note is not null;
}

/// <summary>
/// Which platforms a run builds when --platforms is not given. A local run that publishes nothing builds the machine's
/// own platform only: a first try takes minutes, not hours of compilers under QEMU. CI, and any run that publishes,
/// build every platform of each permutation, so what is published is always whole. Pure.
/// </summary>
public static class PlatformDefault
{
    public static PlatformChoice Decide(IReadOnlyList<string> given, bool isServerBuild, bool publishes, string? native, IReadOnlyList<Permutation> permutations)
    {
        if (given.Count > 0 || isServerBuild || publishes || native is null) return new(given, null);
        if (permutations.Any(p => !p.Platforms.Contains(native)) || permutations.All(p => p.Platforms.SequenceEqual([native]))) return new([], null);
        var all = permutations.SelectMany(p => p.Platforms).Distinct().ToList();
        return new([native], $"platforms: {native} only, this machine's own (a local run that publishes nothing; CI and Publish build every " +
                             $"platform of each permutation); to build them all, pass --platforms {string.Join(" ", all)}");
    }

    /// <summary>The linux platform of a machine's architecture (images are linux on every host Docker runs on); null when BuildKit has none.</summary>
    public static string? Native(Architecture architecture) => architecture switch
    {
        Architecture.X64 => "linux/amd64",
        Architecture.Arm64 => "linux/arm64",
        Architecture.X86 => "linux/386",
        Architecture.Arm => "linux/arm/v7",
        Architecture.S390x => "linux/s390x",
        Architecture.Ppc64le => "linux/ppc64le",
        Architecture.RiscV64 => "linux/riscv64",
        Architecture.LoongArch64 => "linux/loong64",
        _ => null,
    };
}
