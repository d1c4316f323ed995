using Pipeline.Host;
using System.Text.RegularExpressions;

namespace Pipeline.Rules;

/// <summary>
/// The checks every run makes before its first target, so bad input is refused in seconds instead of after hours of
/// Bake. Pure: the build gathers the facts (flags, which targets run, what files and bake targets exist) and probes
/// what needs I/O (cosign key, registry) separately. Each problem is one line naming the flag and the fix.
/// </summary>
public static partial class Preflight
{
    public static bool AnyRuns(IReadOnlyCollection<string> running, IEnumerable<string> targets) => targets.Any(running.Contains);

    public static IEnumerable<string> Severities(IReadOnlyList<string> failOn)
    {
        if (failOn.Count == 0)
        {
            yield return "--fail-on-severity is empty (is FAIL_ON_SEVERITY set to nothing?), which would turn the scan gate off; " +
                         $"pass the severities that fail it, e.g. --fail-on-severity {string.Join(" ", ScanGate.DefaultFailOn)}, or leave it unset for that default.";
            yield break;
        }
        foreach (var unknown in failOn.Where(s => !SeverityCounts.Severities.Contains(s.ToUpperInvariant())).Distinct())
            yield return $"--fail-on-severity has unknown severity '{unknown}'; use {string.Join(", ", SeverityCounts.Severities)}.";
    }

    public static IEnumerable<string> PermutationIds(IReadOnlyList<string> ids) =>
        ids.GroupBy(id => id).Where(g => g.Count() > 1)
            .Select(g => $"--permutations names {g.Key} {g.Count()} times; list each permutation once.");

    [GeneratedRegex("^(linux|windows|darwin|freebsd)/(amd64|arm64|arm|386|ppc64le|ppc64|s390x|riscv64|mips64le|mips64|loong64)(/v[0-9]+)?$")]
    private static partial Regex PlatformPattern();

    public static IEnumerable<string> Platforms(IReadOnlyList<string> platforms)
    {
        foreach (var platform in platforms.Where(p => !PlatformPattern().IsMatch(p)).Distinct())
            yield return $"--platforms '{platform}' is not a platform BuildKit knows; pass os/arch[/variant] such as linux/amd64 or linux/arm64.";
        foreach (var twice in platforms.GroupBy(p => p).Where(g => g.Count() > 1))
            yield return $"--platforms names {twice.Key} {twice.Count()} times; list each platform once.";
    }

    /// <summary>
    /// <c>--per-platform-job</c> digests a permutation's own platforms while building the one --platforms names, so that
    /// platform must be one of them (else the digest would claim a build that no job makes).
    /// </summary>
    public static IEnumerable<string> PerPlatformJob(bool perPlatformJob, IReadOnlyList<string> platforms, IEnumerable<Permutation> permutations)
    {
        if (!perPlatformJob) yield break;
        if (platforms.Count == 0)
        {
            yield return "--per-platform-job builds one platform of each permutation, but no --platforms names it; pass --platforms with one of the permutation's platforms (CI's platform jobs pass linux/<arch>).";
            yield break;
        }
        foreach (var p in permutations)
            foreach (var platform in platforms.Where(x => !p.Platforms.Contains(x)).Distinct())
                yield return $"--per-platform-job: {p.Id} is not built for {platform} (its platforms: {string.Join(", ", p.Platforms)}); pass one of them with --platforms, or drop --per-platform-job to build an image of your own platforms.";
    }

    public static IEnumerable<string> Repository(string registry, string imageName)
    {
        var repository = TagPolicy.Repository(registry, imageName);
        if (!TagPolicy.IsValidRepository(repository))
            yield return $"--registry '{registry}' (with --image-name '{imageName}') gives '{repository}', which is not an image repository; " +
                         "pass host[:port]/path without scheme, tag or spaces, e.g. --registry 127.0.0.1:5000/team.";
    }

    /// <summary><c>--staging-registry</c> names a registry to push under (host[:port][/path]), as --registry does.</summary>
    public static IEnumerable<string> StagingRegistry(string? stagingRegistry, string imageName)
    {
        if (stagingRegistry is not { Length: > 0 }) yield break;
        if (!TagPolicy.IsValidRepository(TagPolicy.Repository(stagingRegistry, imageName)))
            yield return $"--staging-registry '{stagingRegistry}' is not a registry to push to; pass host[:port][/path] without scheme, tag or spaces, e.g. --staging-registry 127.0.0.1:5000, or leave it unset for a registry the build starts itself.";
    }

    /// <summary><c>--staging-registry-image</c> is an image reference pinned by digest, as the default is: what runs is what was reviewed.</summary>
    public static IEnumerable<string> StagingRegistryImage(string image)
    {
        if (!Regex.IsMatch(image, @"^[a-z0-9][a-z0-9._\-/:]*@sha256:[0-9a-f]{64}$"))
            yield return $"--staging-registry-image '{image}' is not pinned by digest; pass <repository>[:tag]@sha256:<64 hex digits> " +
                         "(docker buildx imagetools inspect <image> prints it), or leave it unset for the distribution registry's pinned image.";
    }

    /// <summary>Both bake targets of every permutation: the image (<c>&lt;id&gt;</c>, built by Bake) and <c>validate-&lt;id&gt;</c> (run by Validate).</summary>
    public static IEnumerable<string> BakeTargets(string bakeFile, IEnumerable<Permutation> permutations, IReadOnlySet<string> defined) =>
        permutations.SelectMany(p => p.BakeTargets.Where(t => !defined.Contains(t)).Select(t => MissingTarget(bakeFile, p, t)));

    /// <summary>What `docker buildx bake --print` refusing the target list means, in the build's words.</summary>
    public static string BakeFileUnreadable(string bakeFile, IEnumerable<Permutation> permutations, string buildxError)
    {
        foreach (var p in permutations)
        foreach (var target in p.BakeTargets)
            if (Regex.IsMatch(buildxError, $@"failed to find target {Regex.Escape(target)}(\s|$)"))
                return MissingTarget(bakeFile, p, target);
        return $"docker buildx bake cannot read --bake-file {bakeFile} ({buildxError}); fix the bake file.";
    }

    static string MissingTarget(string bakeFile, Permutation p, string target) =>
        $"--bake-file {bakeFile} has no target '{target}' ({(target == p.BakeTarget ? "Bake" : "Validate")} runs it for {p.Id}); " +
        $"add it as the repository's docker-bake.hcl does, or drop {p.Id} from --permutations.";

    /// <summary>
    /// Publish from a manifest it did not write this run publishes each image whole: every platform of the permutation
    /// (or exactly --platforms when given). A local build of this machine's platform alone (the default of a run that
    /// publishes nothing) is refused, so no mutable tag ever moves to an image missing a platform.
    /// </summary>
    public static IEnumerable<string> ManifestPlatforms(IEnumerable<ManifestPermutation> entries, IReadOnlyList<string> givenPlatforms, string manifestPath)
    {
        var partial = entries
            .Select(e => (e.Id, Held: e.Platforms.Select(p => p.Platform).ToList(),
                Expected: givenPlatforms.Count > 0 ? givenPlatforms : Permutation.All.FirstOrDefault(p => p.Id == e.Id)?.Platforms))
            .Where(e => e.Expected is not null && !e.Held.Order(StringComparer.Ordinal).SequenceEqual(e.Expected.Order(StringComparer.Ordinal)))
            .GroupBy(e => (Held: string.Join(", ", e.Held), Expected: string.Join(", ", e.Expected!))); // one line per cause
        foreach (var group in partial)
        {
            var (held, expected) = (group.First().Held, group.First().Expected!);
            yield return $"Manifest {manifestPath} holds {Listed(group.Select(e => e.Id).ToList())} for {group.Key.Held}, but Publish publishes " +
                         $"{(group.Count() == 1 ? "it" : "them")} for {group.Key.Expected}{(givenPlatforms.Count > 0 ? " (--platforms)" : "")}; build every " +
                         $"platform first (./build.sh Publish, or Manifest --platforms {string.Join(" ", expected)}), or pass --platforms {string.Join(" ", held)} to publish what it holds.";
        }
    }

    /// <summary>Where the README explains pointing the build at a base image this machine can pull.</summary>
    public const string BaseImageReadme = "README, \"Building the images\"";

    /// <summary>The images Bake could not pull from their registry (it has none of them, or does not answer).</summary>
    public static IEnumerable<ExternalImageAnswer> Unavailable(IEnumerable<ExternalImageAnswer> answers) =>
        answers.Where(a => a.Registry.RawManifest is null);

    /// <summary>
    /// Whether an unavailable image stops the run. A pinned image the local image store holds only warns: BuildKit (docker
    /// driver) resolves a pinned digest through its registry even then, unless it has resolved it before (seen on Docker 26),
    /// so Bake may still build it. A tag always stops it: the build resolves a tag to its registry digest itself.
    /// </summary>
    public static bool Refuses(ExternalImageAnswer unavailable) => !(unavailable.Image.IsPinned && unavailable.InLocalStore);

    /// <summary>
    /// One line for an image Bake could not pull: the image, where it is written, why, and the fix: the bake variables it
    /// comes from (<paramref name="bakeVariables"/>, as bake resolved them), else its place in the Dockerfile; and the README.
    /// </summary>
    public static string ExternalImageProblem(ExternalImageAnswer answer, IReadOnlyList<string> bakeVariables)
    {
        var image = answer.Image;
        var why = answer.Registry.Unreachable is { } reason ? $"cannot be pulled: {reason}" : "cannot be pulled: its registry has no such image";
        var fix = bakeVariables.Count > 0
            ? $"set the bake variable {Listed(bakeVariables)} to an image this machine can pull, e.g. {bakeVariables[0]}=<registry>/{ShortName(image.Reference)} ./build.sh ({BaseImageReadme})"
            : $"change it at {image.Dockerfile}:{image.Line} (or the bake target's args) to an image this machine can pull ({BaseImageReadme})";
        var where = $"{image.Use} image {image.Reference} ({image.Dockerfile}:{image.Line}, {Users(image.PermutationIds)}) {why}";
        if (!answer.InLocalStore) return $"{where}, and the local image store does not hold it; {fix}.";
        return image.IsPinned
            ? $"{where}; the local image store holds it, but BuildKit resolves a pinned image through its registry unless it resolved it before, so Bake may fail on it; if it does, {fix}."
            : $"{where}; the local image store holds it, but the build resolves a tag to its registry digest; {fix}.";
    }

    static string Users(IReadOnlyList<string> ids) => ids.Count <= 2 ? "for " + Listed(ids) : $"for {ids.Count} permutations";

    /// <summary>The last path segment without the digest, e.g. <c>ubuntu:24.04</c>: what a user re-pushes elsewhere.</summary>
    static string ShortName(string reference) => reference.Split('@')[0].Split('/')[^1];

    /// <summary>
    /// A running target needs a file that only a target which does not run (skipped, or done in the last run) writes:
    /// one line per such producer, naming the targets that need its files and the first of those files.
    /// </summary>
    public static IEnumerable<string> MissingInputs(IReadOnlyCollection<string> running, IEnumerable<DeclaredInput> inputs, Func<string, bool> exists) =>
        inputs.Where(i => running.Contains(i.Consumer) && !i.Producers.Any(running.Contains) && !exists(i.Path))
            .GroupBy(i => i.Producers[0])
            .Select(g => $"{Listed(g.Select(i => i.Consumer).Distinct().ToList())} {(g.Select(i => i.Consumer).Distinct().Count() == 1 ? "needs" : "need")} " +
                         $"{FirstFew(g.Select(i => $"{i.Description} ({i.Path})").Distinct().ToList())}, but {g.Key} does not run " +
                         $"(--skip, or --continue after it ran); run {g.Key} (drop it from --skip) or restore the files.");

    static string Listed(IReadOnlyList<string> names) => names.Count == 1 ? names[0] : string.Join(", ", names.SkipLast(1)) + " and " + names[^1];

    static string FirstFew(IReadOnlyList<string> files) =>
        files.Count <= 3 ? Listed(files) : string.Join(", ", files.Take(3)) + $" and {files.Count - 3} more";
}
