namespace Pipeline.Rules;

/// <summary>One build job's manifest and the folder (relative to the merged manifest) its files were downloaded to.</summary>
public sealed record ManifestPart(string Folder, ReleaseManifest Manifest);

/// <summary>
/// Pure: the manifests each CI build job wrote for its own permutation (each under its own folder, so nothing collides
/// when the publishing job downloads them together) → the one manifest Publish reads. Nothing is re-planned or rebuilt:
/// entries are taken as written, their paths prefixed with their folder. Refused (one line) unless every part comes from
/// the same commit, ref and event, each permutation appears exactly once, every expected permutation is there, and
/// every file an entry names hashes to what the entry says (a stale or mixed download shows here, before any push).
/// </summary>
public static class ManifestMerge
{
    /// <param name="digestOf">sha256 digest (<c>sha256:&lt;hex&gt;</c>) of a file by its path relative to the merged manifest, or null when it is missing.</param>
    public static ReleaseManifest Combine(IReadOnlyList<ManifestPart> parts, IReadOnlyList<string> expectedIds, Func<string, string?> digestOf)
    {
        if (parts.Count == 0)
            throw new InvalidManifestException("No build job's manifest was found (expected <artifacts>/<permutation>/manifest.json); download every build job's artifact first.");
        var first = parts[0];
        foreach (var part in parts.Skip(1))
        {
            var (a, b) = (first.Manifest, part.Manifest);
            if (a.Sha != b.Sha || a.Ref != b.Ref || a.Event != b.Event || a.Dirty != b.Dirty)
                throw new InvalidManifestException($"Build manifests disagree: {first.Folder} is {Describe(a)} but {part.Folder} is {Describe(b)}; download the artifacts of one workflow run only.");
        }
        var entries = new List<ManifestPermutation>();
        var from = new Dictionary<string, string>();
        foreach (var part in parts)
            foreach (var entry in part.Manifest.Permutations)
            {
                if (from.TryGetValue(entry.Id, out var other))
                    throw new InvalidManifestException($"Permutation {entry.Id} is in two build manifests ({other} and {part.Folder}); each build job must write only its own permutation.");
                from[entry.Id] = part.Folder;
                entries.Add(Relocate(entry, part.Folder));
            }
        var missing = expectedIds.Where(id => !from.ContainsKey(id)).ToList();
        if (missing.Count > 0)
            throw new InvalidManifestException($"No build manifest has {string.Join(", ", missing)}; every permutation's build job must succeed (or pass --permutations to publish fewer).");
        foreach (var entry in entries)
            if (FileProblem(entry, digestOf) is { } problem)
                throw new InvalidManifestException($"{entry.Id} ({from[entry.Id]}): {problem}; re-run the build job, nothing was published.");
        var ordered = entries.OrderBy(e => expectedIds.ToList().IndexOf(e.Id) is var i && i < 0 ? int.MaxValue : i).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        return new ReleaseManifest(ReleaseManifest.CurrentSchemaVersion, first.Manifest.Sha, first.Manifest.Ref, first.Manifest.Event,
            parts.Max(p => p.Manifest.Created), ordered, first.Manifest.Dirty);
    }

    static string Describe(ReleaseManifest m) => $"{m.Sha} {m.Ref} ({m.Event}{(m.Dirty ? ", uncommitted changes" : "")})";

    static ManifestPermutation Relocate(ManifestPermutation entry, string folder)
    {
        string In(string path) => folder.Length == 0 ? path : $"{folder.TrimEnd('/')}/{path}";
        return entry with
        {
            Archive = entry.Archive is { } archive ? archive with { Path = In(archive.Path) } : null, // an image in a registry has none
            Platforms = entry.Platforms.Select(p => p.Sbom is { } sbom ? p with { Sbom = sbom with { Path = In(sbom.Path) } } : p).ToList(),
            Sbom = entry.Sbom with { Path = In(entry.Sbom.Path) },
            Provenance = entry.Provenance with { Path = In(entry.Provenance.Path) },
            Scan = entry.Scan with { Report = entry.Scan.Report with { Path = In(entry.Scan.Report.Path) } },
        };
    }

    static string? FileProblem(ManifestPermutation entry, Func<string, string?> digestOf)
    {
        var files = new List<(string What, string Path, string Expected)>();
        if (entry.Archive is { } archive) files.Add(("archive", archive.Path, "sha256:" + archive.Sha256));
        foreach (var platform in entry.Platforms.Where(p => p.Sbom is not null)) files.Add(($"{platform.Platform} SBOM", platform.Sbom!.Path, platform.Sbom.Digest));
        foreach (var (what, path, expected) in files.Concat(new[]
        {
            ("SBOM", entry.Sbom.Path, entry.Sbom.Digest),
            ("provenance", entry.Provenance.Path, entry.Provenance.Digest),
            ("scan report", entry.Scan.Report.Path, entry.Scan.Report.Digest),
        }))
        {
            var actual = digestOf(path);
            if (actual is null) return $"its {what} {path} is missing";
            if (actual != expected) return $"its {what} {path} hashes to {actual}, the build manifest says {expected}";
        }
        return null;
    }
}
