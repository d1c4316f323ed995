using Pipeline.Host;
using Pipeline.Host.Tooling;

namespace Pipeline.Model;

/// <summary>Resolves the images each bake target's Dockerfile uses (the static bake file's print is read by Build.PreBake).</summary>
public static class BakeInputs
{
    /// <summary>
    /// Per permutation, every external image its bake target's stage uses (<see cref="DockerfileFromChain"/> over its
    /// Dockerfile and bake args), each resolved to its registry digest with skopeo; a digest in the reference is kept.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, BuildImages>> ResolveImagesAsync(
        BakeDefinition definition, string bakeFile, IReadOnlyList<Permutation> permutations)
    {
        var resolved = new Dictionary<string, BuildImages>();
        var cache = new Dictionary<string, ResolvedImage>();
        foreach (var p in permutations)
        {
            var (images, dockerfile) = ImagesOf(definition, bakeFile, p);
            var external = new List<ResolvedImage>();
            foreach (var use in images.External)
            {
                if (!cache.TryGetValue(use.Reference, out var image))
                    cache[use.Reference] = image = await ResolveAsync(use, dockerfile);
                external.Add(image with { Use = use.Use });
            }
            var finalBase = images.FinalBase is null ? null : external.First(e => e.Reference == images.FinalBase.Reference).AsBase();
            resolved[p.Id] = new BuildImages(finalBase, external);
        }
        return resolved;
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

    /// <summary>The registry's digest of one image (skopeo inspect --raw, network failures retried); a pinned digest is taken as written.</summary>
    static async Task<ResolvedImage> ResolveAsync(ExternalImageUse use, string dockerfile)
    {
        if (BaseImage.DigestIn(use.Reference) is { } pinned) return new ResolvedImage(use.Reference, pinned, [], use.Use);
        var registry = new RegistryClient(Skopeo.Locate(), RegistryHost.IsLoopback(use.Reference), RetryPolicy.Default, Environment.CurrentDirectory);
        var raw = await registry.RawManifest(use.Reference, $"Resolving {use.Reference} ({dockerfile}:{use.Line})");
        return raw is null
            ? throw new BuildInputException($"{dockerfile}:{use.Line}: {use.Use} {use.Reference}: the registry has no such image; fix the reference (or the bake arg it comes from) or push the image.")
            : ResolvedImage.FromRawManifest(use.Reference, use.Use, raw);
    }
}
