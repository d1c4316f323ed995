using Pipeline.Host;

namespace Pipeline.Matrix;

/// <summary>
/// The permutation matrix: the single source of which toolchain images exist. Each entry's <see cref="Enumeration.Value"/>
/// is its id, used in tags, bake target names (`&lt;id&gt;` and `validate-&lt;id&gt;`) and the CI matrix.
/// Adding a permutation is one entry here plus its target in docker-bake.hcl.
/// </summary>
public sealed class Permutation : Enumeration
{
    public static readonly string[] DefaultPlatforms = ["linux/amd64", "linux/arm64"];

    public static readonly Permutation Gcc14Clang20 = new() { Value = "gcc14-clang20", Gcc = "14", Clang = "20" };
    public static readonly Permutation Gcc14ClangP2996 = new() { Value = "gcc14-clangp2996", Gcc = "14", Clang = "p2996" };
    public static readonly Permutation Gcc15Clang20 = new() { Value = "gcc15-clang20", Gcc = "15", Clang = "20" };
    public static readonly Permutation Gcc15ClangP2996 = new() { Value = "gcc15-clangp2996", Gcc = "15", Clang = "p2996" };

    /// <summary>GCC major version.</summary>
    public required string Gcc { get; init; }

    /// <summary>Clang major version, or "p2996" for Bloomberg's P2996 reflection fork (built from source).</summary>
    public required string Clang { get; init; }

    public IReadOnlyList<string> Platforms { get; init; } = DefaultPlatforms;

    /// <summary>Whether its Clang is compiled from source (the P2996 fork: hours of LLVM) rather than installed as packages (minutes).</summary>
    public bool CompilesClang => Clang == "p2996";

    public string Id => Value;
    public string BakeTarget => Id;
    public string ValidateBakeTarget => "validate-" + Id;

    /// <summary>Both bake targets of the permutation: its image, then its smoke tests.</summary>
    public IReadOnlyList<string> BakeTargets => [BakeTarget, ValidateBakeTarget];

    public static IReadOnlyList<Permutation> All => All<Permutation>();
}
