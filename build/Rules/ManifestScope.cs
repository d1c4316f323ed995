namespace Pipeline.Rules;

/// <summary>What Publish or Rollback acts on when a manifest drives them, and why (logged).</summary>
public sealed record ManifestSelection(IReadOnlyList<ManifestPermutation> Permutations, IReadOnlyList<string> Notes);

/// <summary>
/// Reconciles a manifest with the flags of the run that reads it. The manifest decides where images go, so a
/// `--registry` (or `--image-name`) that names another repository is refused rather than ignored; `--permutations`
/// narrows the run to those permutations (the rest of the manifest is left untouched, and the log says so), and
/// naming one the manifest lacks is refused. Flags that were not given change nothing.
/// </summary>
public static class ManifestScope
{
    /// <param name="givenRepository">The image repository from --registry/--image-name when either was given, else null.</param>
    /// <param name="givenIds">The --permutations ids when given, else null.</param>
    /// <param name="repositoryFlags">The flags that gave <paramref name="givenRepository"/>, as the error names them.</param>
    public static ManifestSelection Select(ReleaseManifest manifest, string source, string? givenRepository, IReadOnlyList<string>? givenIds,
        string repositoryFlags = "--registry")
    {
        if (givenRepository is not null && manifest.Permutations.FirstOrDefault(p => p.Repository != givenRepository) is { } elsewhere)
            throw new InvalidManifestException(
                $"{repositoryFlags} gives repository {givenRepository}, but manifest {source} publishes {elsewhere.Id} to {elsewhere.Repository}; " +
                $"drop {repositoryFlags} (the manifest decides) or pass the {(repositoryFlags == "--registry" ? "registry" : "repository")} the manifest was built for.");
        if (givenIds is null || givenIds.Count == 0)
            return new ManifestSelection(manifest.Permutations, []);
        var listed = manifest.Permutations.Select(p => p.Id).ToList();
        var missing = givenIds.Where(id => !listed.Contains(id)).ToList();
        if (missing.Count > 0)
            throw new InvalidManifestException(
                $"--permutations names {string.Join(", ", missing)}, which manifest {source} does not list (it has {string.Join(", ", listed)}); drop it from --permutations or use a manifest that has it.");
        var selected = manifest.Permutations.Where(p => givenIds.Contains(p.Id)).ToList();
        var left = listed.Where(id => !givenIds.Contains(id)).ToList();
        return new ManifestSelection(selected, left.Count == 0 ? []
            : [$"Acting on {string.Join(", ", selected.Select(p => p.Id))} only (--permutations); manifest {source} also lists {string.Join(", ", left)}, left untouched."]);
    }
}
