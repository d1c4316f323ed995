namespace BuildTests.Bake;

/// <summary>The one-permutation plan (registry cache, a pinned base) that the guard and merge tests check prints against.</summary>
static class GuardPlans
{
    public const string Repo = "127.0.0.1:5000/t1/devcontainer";
    static readonly BaseImage Base = new("b:1", "sha256:" + new string('b', 64));

    public static BakePlan For(BuildContext context) => BakePlanner.Plan(context, [Permutation.Gcc14Clang20], null, Repo, "devcontainer",
        CacheMode.Registry, new Dictionary<string, BuildImages> { ["gcc14-clang20"] = new(Base, []) }, "/a", "/c");
}
