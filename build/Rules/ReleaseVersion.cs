using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipeline.Rules;

/// <summary>
/// A release git tag of the form <c>vMAJOR.MINOR.PATCH[-prerelease][+build]</c> (SemVer 2 with a leading v).
/// Anything else (v1.2, 1.2.3, release-5) is not a release and gets no release tags.
/// </summary>
public sealed partial record ReleaseVersion(int Major, int Minor, int Patch, string? Prerelease, string? BuildMetadata)
{
    [GeneratedRegex(@"^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$")]
    private static partial Regex Pattern();

    public static ReleaseVersion? TryParse(string? gitTag)
    {
        var match = Pattern().Match(gitTag ?? "");
        if (!match.Success) return null;
        int Number(int group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
        string? Optional(int group) => match.Groups[group].Success ? match.Groups[group].Value : null;
        return new ReleaseVersion(Number(1), Number(2), Number(3), Optional(4), Optional(5));
    }

    public bool IsPrerelease => Prerelease is not null;

    /// <summary>The git tag as written, e.g. <c>v1.2.3-rc.1+build.5</c>.</summary>
    public override string ToString() =>
        $"v{Major}.{Minor}.{Patch}" + (Prerelease is null ? "" : "-" + Prerelease) + (BuildMetadata is null ? "" : "+" + BuildMetadata);

    /// <summary>The version as it may appear in an image tag: '+' is not allowed there, so it becomes '-' (as docker/metadata-action does).</summary>
    public string TagText => ToString().Replace('+', '-');

    /// <summary>Orders versions by precedence (build metadata ignored, a prerelease sorts before its release).</summary>
    public static int Compare(ReleaseVersion a, ReleaseVersion b)
    {
        var core = (a.Major, a.Minor, a.Patch).CompareTo((b.Major, b.Minor, b.Patch));
        if (core != 0) return core;
        if (a.Prerelease == b.Prerelease) return 0;
        if (a.Prerelease is null) return 1;
        if (b.Prerelease is null) return -1;
        return string.CompareOrdinal(a.Prerelease, b.Prerelease);
    }
}
