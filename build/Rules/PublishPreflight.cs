namespace Pipeline.Rules;

/// <summary>
/// Everything Publish checks before it touches the registry: every gate passed and every file the manifest names
/// (archive, each platform's SBOM, provenance) exists with the recorded digest. Returns the problems, one line each.
/// </summary>
public static class PublishPreflight
{
    public static IReadOnlyList<string> Problems(ReleaseManifest manifest, string manifestDirectory)
    {
        var problems = new List<string>();
        foreach (var permutation in manifest.Permutations)
        {
            var id = permutation.Id;
            if (!permutation.Scan.Passed)
                problems.Add($"{id}: the scan gate failed ({permutation.Scan.Counts.Critical} CRITICAL, {permutation.Scan.Counts.High} HIGH; fails on {string.Join("/", permutation.Scan.FailOn)}); fix the findings and re-run Scan.");
            if (permutation.Archive is { } archive) CheckFile(problems, id, "archive", manifestDirectory, archive.Path, "sha256:" + archive.Sha256);
            CheckFile(problems, id, "SBOM", manifestDirectory, permutation.Sbom.Path, permutation.Sbom.Digest);
            foreach (var platform in permutation.Platforms)
                if (platform.Sbom is { } sbom) CheckFile(problems, id, $"{platform.Platform} SBOM", manifestDirectory, sbom.Path, sbom.Digest);
                else problems.Add($"{id}: the manifest has no {platform.Platform} SBOM (each platform's SBOM is attested on its own manifest); re-run Sbom and Manifest with this build.");
            CheckFile(problems, id, "provenance", manifestDirectory, permutation.Provenance.Path, permutation.Provenance.Digest);
        }
        return problems;
    }

    static void CheckFile(List<string> problems, string id, string what, string directory, string relativePath, string expectedDigest)
    {
        var path = Path.GetFullPath(Path.Combine(directory, relativePath));
        if (!File.Exists(path))
        {
            problems.Add($"{id}: {what} {path} named by the manifest is missing; re-run the pipeline (./build.sh Publish) to rebuild it.");
            return;
        }
        var actual = ContentDigest.Sha256(path);
        if (actual != expectedDigest)
            problems.Add($"{id}: {what} {path} has digest {actual} but the manifest records {expectedDigest}; the file changed after the Manifest target, re-run the pipeline.");
    }
}
