namespace Integration.Tests.Harness;

/// <summary>
/// How a test gets a cold build cache without touching anyone else's (never a global prune). The toolchain's one
/// dockerd (docker driver) shares its build cache between all tests; a test that needs a builder with an empty
/// cache — a new CI runner — starts a <see cref="FreshBuilder"/> (a private dockerd). Cheaper, coldness by content:
/// - <see cref="Environment"/> sets the fixture's FIXTURE_STAMP bake variable to the test's namespace; every fixture
///   step from the stamp on has cache keys no other test ever built, so the first build of the test is cold and
///   its second build (same stamp) can only reuse what the first one left (locally or in the registry cache).
/// - <see cref="NoCacheArgument"/> for a direct `docker buildx bake`: ignore every cache, local and imported.
/// </summary>
public sealed class ColdBuildCache(TestRegistry registry)
{
    public const string NoCacheArgument = "--no-cache";

    public string Stamp => registry.Namespace;

    /// <summary>Environment for a child build (bake reads its variables from the environment).</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?> { ["FIXTURE_STAMP"] = Stamp };
}
