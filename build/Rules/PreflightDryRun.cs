namespace Pipeline.Rules;

public static partial class Preflight
{
    /// <summary>--dry-run promises that nothing in the registry changes; a Bake in the same run that exports the build cache would break it.</summary>
    public static string DryRunCacheExport(string cacheRepository) =>
        $"--dry-run changes nothing in the registry, but Bake in this run would export the build cache to {cacheRepository}: " +
        "add --cache registry-read (reads the cache, exports none), or pass --skip to plan the publish of the existing manifest.";
}
