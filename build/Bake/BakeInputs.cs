using Pipeline.Host;
using Pipeline.Host.Tooling;

/// <summary>Reads what the static bake file says (via <c>bake --print</c>) and resolves each BASE_IMAGE to a digest.</summary>
public static class BakeInputs
{
    /// <summary>The static bake file's resolved definition of the permutations' image targets (read once per run).</summary>
    public static async Task<BakeDefinition> ReadDefinitionAsync(string bakeFile, IReadOnlyList<Permutation> permutations)
    {
        try
        {
            return await DockerBuildx.PrintAsync(new BakeSettings { Files = [bakeFile], Targets = permutations.Select(p => p.BakeTarget).ToList() });
        }
        catch (ToolFailedException e)
        {
            var missing = permutations.FirstOrDefault(p => e.Message.Contains($"failed to find target {p.BakeTarget}", StringComparison.Ordinal));
            throw new BuildInputException(missing is not null
                ? $"{bakeFile} has no target '{missing.BakeTarget}'; add it (and 'validate-{missing.Id}') or drop it from --permutations."
                : $"docker buildx bake cannot read {bakeFile} ({e.Message}); fix the bake file.");
        }
    }

    public static async Task<IReadOnlyDictionary<string, BaseImage>> ResolveBaseImagesAsync(
        BakeDefinition definition, string bakeFile, IReadOnlyList<Permutation> permutations, string? builder)
    {
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
