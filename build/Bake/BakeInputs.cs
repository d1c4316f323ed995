using Pipeline.Host;

/// <summary>Reads what the static bake file says (via <c>bake --print</c>) and resolves each BASE_IMAGE to a digest.</summary>
public static class BakeInputs
{
    public static async Task<IReadOnlyDictionary<string, BaseImage>> ResolveBaseImagesAsync(string bakeFile, IReadOnlyList<Permutation> permutations, string? builder)
    {
        var definition = await DockerBuildx.PrintAsync(new BakeSettings { Files = [bakeFile], Targets = permutations.Select(p => p.BakeTarget).ToList() });
        var resolved = new Dictionary<string, BaseImage>();
        var digests = new Dictionary<string, string>();
        foreach (var p in permutations)
        {
            if (!definition.Targets.TryGetValue(p.BakeTarget, out var target))
                throw new BuildInputException($"{bakeFile} has no target '{p.BakeTarget}'; add it (and 'validate-{p.Id}') or drop it from --permutations.");
            if (!target.Args.TryGetValue("BASE_IMAGE", out var reference) || reference.Length == 0)
                throw new BuildInputException($"Target '{p.BakeTarget}' in {bakeFile} sets no BASE_IMAGE arg; set args = {{ BASE_IMAGE = BASE_IMAGE }}.");
            if (!digests.TryGetValue(reference, out var digest))
                digests[reference] = digest = BaseImage.DigestIn(reference) ?? await DockerBuildx.ResolveDigestAsync(reference, builder);
            resolved[p.Id] = new BaseImage(reference, digest);
        }
        return resolved;
    }
}
