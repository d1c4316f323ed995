namespace BuildTests.Bake;

/// <summary>The one-permutation plan (registry cache, a pinned base) that the guard and merge tests check prints against.</summary>
static class GuardPlans
{
    public const string Repo = "127.0.0.1:5000/t1/devcontainer";
    static readonly BaseImage Base = new("b:1", "sha256:" + new string('b', 64));

    public static BakePlan For(BuildContext context) => BakePlanner.Plan(context, [Permutation.Gcc14Clang20], null, Repo, "devcontainer",
        CacheMode.Registry, new Dictionary<string, BuildImages> { ["gcc14-clang20"] = new(Base, []) }, "/a", "/c");

    public static readonly string CacheDigest = "sha256:" + new string('c', 64);

    /// <summary>The plan as Bake renders it into the override: its main cache checked and found signed (imported by <see cref="CacheDigest"/>).</summary>
    public static BakePlan Trusted(BuildContext context)
    {
        var plan = For(context);
        return plan with
        {
            Permutations = plan.Permutations.Select(p => p with
            {
                Cache = CachePolicy.Trusted(p.Cache, MainCacheCheck.Verified(p.Cache.MainRead!, CacheDigest), signingProblem: null),
            }).ToList(),
        };
    }
}
