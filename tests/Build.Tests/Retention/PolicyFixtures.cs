using Pipeline.Retention;

namespace BuildTests.Retention;

internal static class PolicyFixtures
{
    public static readonly string[] Permutations = ["gcc14-clang20", "gcc15-clang20", "gcc15-clangp2996"];

    public static ImagePolicy Images(int keepNewest = 2, int prDays = 90, int untaggedDays = 90) => new(
        KeepForever: ["v*.*.*-*", "{permutation}-main"],
        DefaultBranch: new DefaultBranchPolicy(["{permutation}-sha-*"], keepNewest),
        PullRequests: new AgedTagPolicy(["{permutation}-pr-*", "pr-*"], prDays),
        Untagged: new UntaggedPolicy(untaggedDays));

    public static RetentionPlan Plan(IReadOnlyList<RegistryVersion> versions, ImagePolicy? policy = null) =>
        new RetentionPlanner(policy ?? Images(), Permutations).Plan(versions, RepositoryBuilder.Now);
}
