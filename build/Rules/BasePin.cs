using System.Text.RegularExpressions;

namespace Pipeline.Rules;

/// <summary>
/// A base image pinned by digest in one place: a global <c>ARG NAME=&lt;repository&gt;:&lt;tag&gt;@sha256:&lt;hex&gt;</c> of a
/// Dockerfile (before its first FROM), such as <c>ARG BASE_IMAGE=docker.io/library/ubuntu:24.04@sha256:…</c>.
/// <paramref name="Line"/> is 1-based.
/// </summary>
public sealed record BasePin(int Line, string Arg, string Repository, string Tag, string Digest)
{
    /// <summary>What is resolved to find the pin's current digest: the repository and tag, without the digest.</summary>
    public string TagReference => $"{Repository}:{Tag}";

    public string Pinned => $"{TagReference}@{Digest}";
}

/// <summary>Finds a Dockerfile's base pins and rewrites one to a new digest, nothing else of the file; pure.</summary>
public static partial class BasePins
{
    public static IReadOnlyList<BasePin> Find(string dockerfile)
    {
        var pins = new List<BasePin>();
        var lines = dockerfile.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (FirstFrom().IsMatch(line)) break; // only global ARGs: a stage's ARG cannot name the image a FROM uses
            if (PinnedArg().Match(line) is not { Success: true } match) continue;
            var reference = match.Groups["reference"].Value;
            var tagStart = reference.LastIndexOf(':');
            pins.Add(new BasePin(i + 1, match.Groups["arg"].Value, reference[..tagStart], reference[(tagStart + 1)..], match.Groups["digest"].Value));
        }
        return pins;
    }

    /// <summary>The Dockerfile with <paramref name="pin"/>'s line pinned to <paramref name="digest"/>; every other byte as it was.</summary>
    public static string Rewrite(string dockerfile, BasePin pin, string digest)
    {
        if (!Sha256Digest().IsMatch(digest)) throw new ArgumentException($"'{digest}' is not a sha256 digest; resolve {pin.TagReference} again.");
        var lines = dockerfile.Split('\n');
        if (pin.Line > lines.Length || Find(dockerfile).FirstOrDefault(p => p.Line == pin.Line) != pin)
            throw new ArgumentException($"Line {pin.Line} no longer pins {pin.Pinned}; run UpdateBasePin again on the file as it is now.");
        lines[pin.Line - 1] = lines[pin.Line - 1].Replace("@" + pin.Digest, "@" + digest, StringComparison.Ordinal);
        return string.Join('\n', lines);
    }

    /// <summary>One line for the log and the pull request: old → new, or that the pin is current.</summary>
    public static string Describe(string file, BasePin pin, string current) => current == pin.Digest
        ? $"{file}:{pin.Line} ARG {pin.Arg}={pin.TagReference} is current ({pin.Digest})"
        : $"{file}:{pin.Line} ARG {pin.Arg}={pin.TagReference}: {pin.Digest} → {current}";

    /// <summary>
    /// The commit message and pull request text (first line: the title) for the lines <see cref="Describe"/> gave, or that
    /// every pin is current when none moved.
    /// </summary>
    public static string ChangeText(IReadOnlyList<string> moved, IReadOnlyList<string> current) => moved.Count == 0
        ? "The base image pins are current\n\n" + string.Concat(current.Select(line => $"- {line}\n"))
        : "Move the base image pin to its tag's current digest\n\n"
          + "UpdateBasePin resolved each pinned tag to the digest it has now:\n\n" + string.Concat(moved.Select(line => $"- {line}\n"))
          + "\nThe base digest is an input of every permutation, so the default branch's next build rebuilds and publishes them all"
          + " (security updates of the base included); this pull request's own checks build them first.\n";

    /// <summary>The digest a pinned tag has now, from the registry's answer (its manifest or index, byte for byte); null when it gave none.</summary>
    public static string? CurrentDigest(RegistryAnswer answer) =>
        answer.RawManifest is { } raw ? ContentDigest.Sha256(System.Text.Encoding.UTF8.GetBytes(raw)) : null;

    /// <summary>
    /// What stops UpdateBasePin before it runs, one line each: a Dockerfile with no pin, a pinned tag its registry does not
    /// have, a registry that does not answer (as the external-image check reads it: seconds, not a retried failure).
    /// </summary>
    public static IEnumerable<string> Problems(string file, IReadOnlyList<(BasePin Pin, RegistryAnswer Answer)> pins)
    {
        if (pins.Count == 0) yield return NonePinned(file);
        foreach (var (pin, answer) in pins.Where(p => p.Answer.RawManifest is null))
            yield return answer.Unreachable is { } reason
                ? $"UpdateBasePin cannot resolve {pin.TagReference} (ARG {pin.Arg} at {file}:{pin.Line}): {reason}; run it where "
                  + $"{RegistryHost.Of(pin.TagReference)} is reachable (the scheduled update-base-pin workflow does), or set that line's digest to the one "
                  + $"`docker buildx imagetools inspect {pin.TagReference}` prints there (README, \"Building the images\")."
                : $"{pin.TagReference} (ARG {pin.Arg} at {file}:{pin.Line}) is not in its registry; fix the repository or tag on that line.";
    }

    /// <summary>The one error when a Dockerfile has no pin to move, naming the file and the fix.</summary>
    public static string NonePinned(string file) =>
        $"{file} pins no base image by digest in a global ARG; write one before the first FROM, "
        + "e.g. ARG BASE_IMAGE=docker.io/library/ubuntu:24.04@sha256:<digest>, and use it in FROM ${BASE_IMAGE}.";

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex Sha256Digest();

    [GeneratedRegex(@"^\s*FROM\s", RegexOptions.IgnoreCase)]
    private static partial Regex FirstFrom();

    [GeneratedRegex(@"^\s*ARG\s+(?<arg>[A-Za-z_][A-Za-z0-9_]*)=(?<reference>[^\s""'@$]+:[^\s""'@:/$]+)@(?<digest>sha256:[0-9a-f]{64})\s*$",
        RegexOptions.IgnoreCase)]
    private static partial Regex PinnedArg();
}
