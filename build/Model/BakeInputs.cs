using Pipeline.Host;

namespace Pipeline.Model;

/// <summary>The images each bake target's Dockerfile uses (the static bake file's print and the registry reads are Build.PreBake's).</summary>
public static class BakeInputs
{
    /// <summary>Every distinct external image the permutations' image targets use, in order of first use, with the permutations using it.</summary>
    public static IReadOnlyList<ExternalImage> ExternalImages(BakeDefinition definition, string bakeFile, IReadOnlyList<Permutation> permutations)
    {
        var uses = permutations.SelectMany(p =>
        {
            var (images, dockerfile) = ImagesOf(definition, bakeFile, p);
            return images.External.Select(use => (Use: use, Dockerfile: dockerfile, p.Id));
        }).ToList();
        return uses.GroupBy(u => u.Use.Reference)
            .Select(g => new ExternalImage(g.Key, g.First().Dockerfile, g.First().Use.Line, g.First().Use.Use, g.Select(u => u.Id).Distinct().ToList()))
            .ToList();
    }

    /// <summary>
    /// Pure: per permutation, every external image its bake target's stage uses (<see cref="DockerfileFromChain"/> over its
    /// Dockerfile and bake args), each with the registry digest <paramref name="answers"/> (by reference) give; a digest
    /// in the reference is kept as written.
    /// </summary>
    public static IReadOnlyDictionary<string, BuildImages> ResolveImages(
        BakeDefinition definition, string bakeFile, IReadOnlyList<Permutation> permutations, IReadOnlyDictionary<string, RegistryAnswer> answers)
    {
        var resolved = new Dictionary<string, BuildImages>();
        foreach (var p in permutations)
        {
            var (images, dockerfile) = ImagesOf(definition, bakeFile, p);
            var external = images.External.Select(use => Resolve(use, dockerfile, answers.GetValueOrDefault(use.Reference))).ToList();
            var finalBase = images.FinalBase is null ? null : external.First(e => e.Reference == images.FinalBase.Reference).AsBase();
            resolved[p.Id] = new BuildImages(finalBase, external);
        }
        return resolved;
    }

    static ResolvedImage Resolve(ExternalImageUse use, string dockerfile, RegistryAnswer? answer)
    {
        if (BaseImage.DigestIn(use.Reference) is { } pinned) return new ResolvedImage(use.Reference, pinned, [], use.Use);
        if (answer?.RawManifest is { } raw) return ResolvedImage.FromRawManifest(use.Reference, use.Use, raw);
        if (answer is { IsAbsent: true })
            throw new BuildInputException($"{dockerfile}:{use.Line}: {use.Use} {use.Reference}: the registry has no such image; fix the reference (or the bake arg it comes from) or push the image.");
        throw new RegistryOperationException($"Resolving {use.Reference} ({dockerfile}:{use.Line}) failed: {answer?.Unreachable ?? "not read"}; check that its registry is reachable, then re-run.");
    }

    /// <summary>What one permutation's image target pulls, read from its Dockerfile (no registry); bad input is one BuildInputException line.</summary>
    public static (DockerfileImages Images, string Dockerfile) ImagesOf(BakeDefinition definition, string bakeFile, Permutation p)
    {
        if (!definition.Targets.TryGetValue(p.BakeTarget, out var target))
            throw new BuildInputException($"{bakeFile} has no target '{p.BakeTarget}'; add it (and 'validate-{p.Id}') or drop it from --permutations.");
        var bakeDirectory = Path.GetDirectoryName(Path.GetFullPath(bakeFile))!;
        var dockerfile = target.DockerfilePath(bakeDirectory);
        if (!File.Exists(dockerfile))
            throw new BuildInputException($"Target '{target.Name}' names Dockerfile '{target.Dockerfile}' in context '{target.Context}', which does not exist; fix the bake file.");
        var name = Path.GetRelativePath(bakeDirectory, dockerfile);
        return (DockerfileFromChain.Resolve(File.ReadAllText(dockerfile), name, target.Args, target.Stage), name);
    }
}
