using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipeline.Rules;

/// <summary>
/// The generation of an image's distribution packages: <c>YYYY-MM-DD</c>, the UTC day it was started, or
/// <c>YYYY-MM-DD.N</c> for the Nth started that day. It is a build arg (<see cref="BuildArg"/>) the Dockerfile declares
/// right before its package upgrade, so a new snapshot is a cache miss there and every later layer fetches today's
/// packages; an inherited one is a cache hit, and an unchanged rebuild reproduces the same image. It is recorded as the
/// label and annotation <see cref="LabelKey"/>, in the input digest (a build arg) and in the provenance.
/// Deterministic from the published image and the day, so every platform job of one run picks the same one.
/// </summary>
public sealed partial record PackageSnapshot(DateOnly Day, int Sequence)
{
    public const string BuildArg = "PACKAGES_SNAPSHOT";
    public const string LabelKey = "dev.devcontainer-pipeline.packages-snapshot";

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2})(?:\.([2-9]|[1-9]\d+))?$")]
    private static partial Regex Pattern();

    public override string ToString() =>
        Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + (Sequence > 1 ? "." + Sequence.ToString(CultureInfo.InvariantCulture) : "");

    /// <summary>When its packages were fetched at the earliest: the start of its day (UTC), so an age computed from it is never too small.</summary>
    public DateTimeOffset Since => new(Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The first snapshot of <paramref name="today"/>.</summary>
    public static PackageSnapshot StartedOn(DateOnly today) => new(today, 1);

    /// <summary>A new snapshot after this one: today's first, or when this one is of today (or a later day: a clock behind) the next of its day.</summary>
    public PackageSnapshot Next(DateOnly today) => Day < today ? StartedOn(today) : this with { Sequence = Sequence + 1 };

    public static PackageSnapshot? Parse(string? text)
    {
        if (text is null || Pattern().Match(text) is not { Success: true } match) return null;
        if (!DateOnly.TryParseExact(match.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return null;
        return new PackageSnapshot(day, match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 1);
    }

    /// <summary>Whether a Dockerfile declares the build arg, so a new snapshot really fetches packages anew.</summary>
    public static bool DeclaredIn(string dockerfile) =>
        Regex.IsMatch(dockerfile, $@"^\s*ARG\s+{BuildArg}(\s|=|$)", RegexOptions.Multiline | RegexOptions.IgnoreCase);
}
