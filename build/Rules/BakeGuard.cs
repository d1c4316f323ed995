namespace Pipeline.Rules;

/// <summary>
/// Checks what bake WILL do (its <c>--print</c> output after merging the .hcl and the override) against the policies,
/// so a cache write, an unverified main cache import or an output hard-coded in a bake file cannot slip past them.
/// </summary>
public static class BakeGuard
{
    public static void Check(BuildContext context, BakePlan plan, BakeDefinition resolved)
    {
        foreach (var p in plan.Permutations)
        {
            foreach (var name in p.Permutation.BakeTargets)
            {
                var target = resolved.Targets.TryGetValue(name, out var t) ? t
                    : throw new ArgumentException($"The bake file has no target '{name}'; add it (every permutation needs '{p.Id}' and 'validate-{p.Id}').");
                foreach (var cacheTo in target.CacheTo) CheckCacheWrite(context, plan.ImageRepository, p.Id, cacheTo, CachePolicy.CachePlatform(p.Platforms, p.Permutation.Platforms));
                foreach (var cacheFrom in target.CacheFrom) CachePolicy.EnsureVerifiedImport(plan.ImageRepository, p.Id, cacheFrom);
            }
            var validate = resolved.Targets[p.Permutation.ValidateBakeTarget];
            if (validate.CacheTo.Count > 0 || validate.Output.Any(o => !o.Contains("type=cacheonly")))
                throw new ArgumentException($"Target '{validate.Name}' must only test (output type=cacheonly, no cache-to); remove its outputs from the bake file.");
        }
    }

    /// <summary>A registry cache write into the main scope (or any scope that is not this run's) is refused.</summary>
    /// <param name="platform">The one platform this build covers when its refs are per platform (<c>&lt;id&gt;-&lt;scope&gt;-&lt;arch&gt;</c>).</param>
    public static void CheckCacheWrite(BuildContext context, string imageRepository, string permutationId, string cacheTo, string? platform = null)
    {
        if (!cacheTo.Contains("type=registry", StringComparison.Ordinal) && cacheTo.Contains("type=", StringComparison.Ordinal)) return;
        var reference = cacheTo.Split(',').Select(f => f.Split('=', 2)).FirstOrDefault(kv => kv[0] == "ref")?[1] ?? "";
        var tag = reference.Contains(':') && !reference[(reference.LastIndexOf(':') + 1)..].Contains('/') ? reference[(reference.LastIndexOf(':') + 1)..] : "";
        var scope = tag.StartsWith(permutationId + "-", StringComparison.Ordinal) ? tag[(permutationId.Length + 1)..] : tag;
        var suffix = platform is null ? null : "-" + CachePolicy.PlatformSlug(platform);
        if (suffix is not null && scope.EndsWith(suffix, StringComparison.Ordinal)) scope = scope[..^suffix.Length];
        if (!reference.StartsWith(CachePolicy.CacheRepository(imageRepository) + ":", StringComparison.Ordinal))
            throw new CachePoisoningException($"Cache write to '{reference}' is outside this image's cache repository {CachePolicy.CacheRepository(imageRepository)}; remove cache-to from the bake file (the build class decides it).");
        CachePolicy.EnsureWritable(context, scope);
    }
}
