/// <summary>
/// Checks what bake WILL do (its <c>--print</c> output after merging the .hcl and the override) against the policies,
/// so a cache write or output hard-coded in a bake file cannot slip past them.
/// </summary>
public static class BakeGuard
{
    public static void Check(BuildContext context, BakePlan plan, BakeDefinition resolved)
    {
        foreach (var p in plan.Permutations)
        {
            foreach (var name in new[] { p.Permutation.BakeTarget, p.Permutation.ValidateBakeTarget })
            {
                var target = resolved.Targets.TryGetValue(name, out var t) ? t
                    : throw new ArgumentException($"The bake file has no target '{name}'; add it (every permutation needs '{p.Id}' and 'validate-{p.Id}').");
                foreach (var cacheTo in target.CacheTo) CheckCacheWrite(context, plan.ImageRepository, p.Id, cacheTo);
            }
            var validate = resolved.Targets[p.Permutation.ValidateBakeTarget];
            if (validate.CacheTo.Count > 0 || validate.Output.Any(o => !o.Contains("type=cacheonly")))
                throw new ArgumentException($"Target '{validate.Name}' must only test (output type=cacheonly, no cache-to); remove its outputs from the bake file.");
        }
    }

    /// <summary>A registry cache write into the main scope (or any scope that is not this run's) is refused.</summary>
    public static void CheckCacheWrite(BuildContext context, string imageRepository, string permutationId, string cacheTo)
    {
        if (!cacheTo.Contains("type=registry", StringComparison.Ordinal) && cacheTo.Contains("type=", StringComparison.Ordinal)) return;
        var reference = cacheTo.Split(',').Select(f => f.Split('=', 2)).FirstOrDefault(kv => kv[0] == "ref")?[1] ?? "";
        var tag = reference.Contains(':') && !reference[(reference.LastIndexOf(':') + 1)..].Contains('/') ? reference[(reference.LastIndexOf(':') + 1)..] : "";
        var scope = tag.StartsWith(permutationId + "-", StringComparison.Ordinal) ? tag[(permutationId.Length + 1)..] : tag;
        if (!reference.StartsWith(CachePolicy.CacheRepository(imageRepository) + ":", StringComparison.Ordinal))
            throw new CachePoisoningException($"Cache write to '{reference}' is outside this image's cache repository {CachePolicy.CacheRepository(imageRepository)}; remove cache-to from the bake file (the build class decides it).");
        CachePolicy.EnsureWritable(context, scope);
    }
}
