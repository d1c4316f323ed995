namespace Pipeline.Rules;

/// <summary>How long something is expected to take, as a range, and what dominates it.</summary>
public sealed record Estimate(TimeSpan Low, TimeSpan High, string Why)
{
    public static Estimate operator +(Estimate a, Estimate b) => new(a.Low + b.Low, a.High + b.High, a.Why.Length == 0 ? b.Why : b.Why.Length == 0 ? a.Why : $"{a.Why}, {b.Why}");

    public static readonly Estimate None = new(TimeSpan.Zero, TimeSpan.Zero, "");

    /// <summary>"5–10 min", "1–4 h", "40 min–2 h": whole hours from an hour on, minutes below; the low end rounded down, the high end up.</summary>
    public string Range
    {
        get
        {
            static bool InHours(TimeSpan t) => t >= TimeSpan.FromHours(1);
            static string Number(TimeSpan t, Func<double, double> round) =>
                $"{Math.Max(1, round(InHours(t) ? t.TotalHours : t.TotalMinutes))}";
            static string Unit(TimeSpan t) => InHours(t) ? "h" : "min";
            var (low, high) = (Number(Low, Math.Floor), Number(High, Math.Ceiling));
            return InHours(Low) == InHours(High) ? $"{low}–{high} {Unit(High)}" : $"{low} {Unit(Low)}–{high} {Unit(High)}";
        }
    }
}

/// <summary>
/// What --plan says a Bake will take before anything starts: per permutation and platform, a first build with an empty
/// cache (later builds take what changed; unchanged inputs are reused), and the whole bake. Pure; every estimate is here.
/// </summary>
public static class BuildEstimate
{
    // Measured (README, "Measured"): gcc14-clang20 on linux/amd64, 2 cores, apt cache cold: 5:53 in all, of which about
    // 3 min are the packages' RUN steps and 2.5 min layer compression and the archive (native, whatever the platform).
    static readonly Estimate PackagesNative = new(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), "packages");
    // Under QEMU's user-mode emulation apt's unpacking and scripts run about 5 times slower.
    static readonly Estimate PackagesEmulated = new(TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(40), "packages under QEMU");

    // Not measured here (GitHub is unreachable): LLVM and Clang in Release with Ninja take about an hour on 8 cores and
    // several on 2; emulated compilers run 5 to 20 times slower.
    static readonly Estimate LlvmNative = new(TimeSpan.FromHours(1), TimeSpan.FromHours(4), "LLVM p2996 compiled from source");
    static readonly Estimate LlvmEmulated = new(TimeSpan.FromHours(10), TimeSpan.FromHours(40), "LLVM p2996 compiled under QEMU");

    public static Estimate For(Permutation permutation, string platform, string? nativePlatform)
    {
        var native = platform == nativePlatform;
        return (native ? PackagesNative : PackagesEmulated) + (permutation.CompilesClang ? native ? LlvmNative : LlvmEmulated : Estimate.None);
    }

    /// <summary>
    /// The --plan lines: one per permutation and platform, then the whole bake on one machine. The fork's stage does not
    /// depend on GCC, so one bake compiles it once per platform however many p2996 permutations it builds.
    /// </summary>
    public static IReadOnlyList<string> Describe(IReadOnlyList<(Permutation Permutation, IReadOnlyList<string> Platforms)> builds, string? nativePlatform)
    {
        var rows = builds.SelectMany(b => b.Platforms.Select(platform => (b.Permutation, Platform: platform, Native: platform == nativePlatform))).ToList();
        if (rows.Count == 0) return [];
        string Where(string platform, bool native) => platform + (native ? " (native)" : " (emulated)");
        var idWidth = rows.Max(r => r.Permutation.Id.Length);
        var platformWidth = rows.Max(r => Where(r.Platform, r.Native).Length);
        var lines = new List<string> { "expected build time (first build, empty cache; unchanged inputs are reused, a warm cache builds only what changed):" };
        foreach (var r in rows)
        {
            var estimate = For(r.Permutation, r.Platform, nativePlatform);
            lines.Add($"  {r.Permutation.Id.PadRight(idWidth)}  {Where(r.Platform, r.Native).PadRight(platformWidth)}  {estimate.Range} ({estimate.Why})");
        }
        var total = rows.Aggregate(Estimate.None, (sum, r) => sum + (r.Native ? PackagesNative : PackagesEmulated));
        total = rows.Where(r => r.Permutation.CompilesClang).Select(r => (r.Platform, r.Native)).Distinct()
            .Aggregate(total, (sum, p) => sum + (p.Native ? LlvmNative : LlvmEmulated));
        var slow = rows.Where(r => r.Permutation.CompilesClang || !r.Native).ToList();
        lines.Add($"  in all: {total.Range} on this machine" + (total.High <= TimeSpan.FromHours(1) ? ""
            : $"; {(slow.Any(r => r.Permutation.CompilesClang) ? "the p2996 permutations (LLVM from source)" : "the emulated platforms")} dominate: --permutations and --platforms narrow the run" +
              (slow.Any(r => !r.Native) ? ", a native builder per platform (--builder) avoids emulation" : "")));
        return lines;
    }
}
