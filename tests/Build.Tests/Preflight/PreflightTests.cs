using Pipeline.Host;
using Xunit;

namespace BuildTests.Preflight;

/// <summary>Issue 13, cases 1, 8 and 9: bad input refused before Bake, one line each naming the flag and the fix.</summary>
public class PreflightTests
{
    [Fact]
    public void An_empty_severity_list_is_refused_as_it_would_turn_the_gate_off()
    {
        Assert.Equal(["--fail-on-severity is empty (is FAIL_ON_SEVERITY set to nothing?), which would turn the scan gate off; " +
                      "pass the severities that fail it, e.g. --fail-on-severity CRITICAL HIGH, or leave it unset for that default."],
            Pipeline.Rules.Preflight.Severities([]));
        Assert.Equal(["--fail-on-severity has unknown severity 'CRTICAL'; use CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN."], Pipeline.Rules.Preflight.Severities(["CRTICAL", "high"]));
        Assert.Empty(Pipeline.Rules.Preflight.Severities(["critical"]));
        // The gate itself refuses too, so no caller can turn it off by passing nothing.
        Assert.StartsWith("--fail-on-severity is empty", Assert.Throws<ArgumentException>(() => ScanGate.Evaluate("p", "{}", [])).Message);
    }

    [Fact]
    public void Duplicate_permutations_are_refused()
    {
        Assert.Equal(["--permutations names gcc14-clang20 2 times; list each permutation once."],
            Pipeline.Rules.Preflight.PermutationIds(["gcc14-clang20", "gcc15-clang20", "gcc14-clang20"]));
        Assert.Empty(Pipeline.Rules.Preflight.PermutationIds(["gcc14-clang20", "gcc15-clang20"]));
    }

    [Theory]
    [InlineData("linux/amd64", true)]
    [InlineData("linux/arm64", true)]
    [InlineData("linux/arm/v7", true)]
    [InlineData("linux/amd65", false)]
    [InlineData("amd64", false)]
    [InlineData("Linux/amd64", false)]
    [InlineData("linux/amd64 ", false)]
    public void Platforms_must_be_os_arch_BuildKit_knows(string platform, bool valid)
    {
        var problems = Pipeline.Rules.Preflight.Platforms([platform]).ToList();
        if (valid) Assert.Empty(problems);
        else Assert.Equal([$"--platforms '{platform}' is not a platform BuildKit knows; pass os/arch[/variant] such as linux/amd64 or linux/arm64."], problems);
    }

    [Fact]
    public void A_per_platform_job_needs_one_of_the_permutation_s_own_platforms()
    {
        Assert.Empty(Pipeline.Rules.Preflight.PerPlatformJob(false, [], Permutation.All));
        Assert.Empty(Pipeline.Rules.Preflight.PerPlatformJob(true, ["linux/arm64"], [Permutation.Gcc15Clang20]));
        Assert.Equal(["--per-platform-job builds one platform of each permutation, but no --platforms names it; pass --platforms with one of the permutation's platforms (CI's platform jobs pass linux/<arch>)."],
            Pipeline.Rules.Preflight.PerPlatformJob(true, [], [Permutation.Gcc15Clang20]));
        Assert.Equal(["--per-platform-job: gcc15-clang20 is not built for linux/s390x (its platforms: linux/amd64, linux/arm64); pass one of them with --platforms, or drop --per-platform-job to build an image of your own platforms."],
            Pipeline.Rules.Preflight.PerPlatformJob(true, ["linux/s390x"], [Permutation.Gcc15Clang20]));
    }

    [Fact]
    public void A_platform_named_twice_is_refused() =>
        Assert.Equal(["--platforms names linux/amd64 2 times; list each platform once."], Pipeline.Rules.Preflight.Platforms(["linux/amd64", "linux/amd64"]));

    [Theory]
    [InlineData("127.0.0.1:5000/team", true)]
    [InlineData("ghcr.io/Acme", true)] // owners keep capitals; the repository is lowercased
    [InlineData("http://127.0.0.1:5000/team", false)]
    [InlineData("127.0.0.1:5000/team:latest", false)]
    [InlineData("127.0.0.1:5000/my team", false)]
    public void The_registry_must_give_an_image_repository(string registry, bool valid)
    {
        var problems = Pipeline.Rules.Preflight.Repository(registry, "devcontainer").ToList();
        if (valid) Assert.Empty(problems);
        else Assert.StartsWith($"--registry '{registry}' (with --image-name 'devcontainer') gives ", Assert.Single(problems));
    }

    [Fact]
    public void Both_bake_targets_of_every_permutation_must_exist()
    {
        var permutations = Permutation.All.Where(p => p.Id is "gcc14-clang20" or "gcc15-clang20").ToList();
        Assert.Equal(["--bake-file b.hcl has no target 'validate-gcc15-clang20' (Validate runs it for gcc15-clang20); add it as the repository's docker-bake.hcl does, or drop gcc15-clang20 from --permutations."],
            Pipeline.Rules.Preflight.BakeTargets("b.hcl", permutations, new HashSet<string> { "gcc14-clang20", "validate-gcc14-clang20", "gcc15-clang20" }));
        Assert.Equal("--bake-file b.hcl has no target 'gcc14-clang20' (Bake runs it for gcc14-clang20); add it as the repository's docker-bake.hcl does, or drop gcc14-clang20 from --permutations.",
            Pipeline.Rules.Preflight.BakeFileUnreadable("b.hcl", permutations, "ERROR: failed to find target gcc14-clang20"));
        Assert.Equal("docker buildx bake cannot read --bake-file b.hcl (ERROR: b.hcl:3 unexpected token); fix the bake file.",
            Pipeline.Rules.Preflight.BakeFileUnreadable("b.hcl", permutations, "ERROR: b.hcl:3 unexpected token"));
    }

    [Fact]
    public void A_skipped_producer_whose_file_is_missing_is_named_instead_of_a_missing_path_error()
    {
        DeclaredInput[] inputs =
        [
            new("Scan", "Manifest", "the scan report of gcc14-clang20", "artifacts/scan/gcc14-clang20.json"),
            new("Scan", "Manifest", "the scan report of gcc15-clang20", "artifacts/scan/gcc15-clang20.json"),
            new("Sbom", "Manifest", "the SBOM of gcc14-clang20", "artifacts/sbom/gcc14-clang20.cdx.json"),
        ];
        var exists = (string path) => path.Contains("sbom");
        Assert.Equal(["Manifest needs the scan report of gcc14-clang20 (artifacts/scan/gcc14-clang20.json) and the scan report of gcc15-clang20 (artifacts/scan/gcc15-clang20.json), " +
                      "but Scan does not run (--skip, or --continue after it ran); run Scan (drop it from --skip) or restore the files."],
            Pipeline.Rules.Preflight.MissingInputs(["Bake", "Manifest"], inputs, exists));
        Assert.Empty(Pipeline.Rules.Preflight.MissingInputs(["Scan", "Manifest"], inputs, exists)); // Scan will write them
        Assert.Empty(Pipeline.Rules.Preflight.MissingInputs(["Scan"], inputs, _ => false)); // nobody reads them
    }

    [Fact]
    public void Every_target_missing_one_producer_s_files_is_one_line_with_the_first_few_files()
    {
        DeclaredInput[] inputs =
        [
            .. new[] { "a", "b", "c", "d" }.Select(id => new DeclaredInput("Bake", "Scan", $"the OCI archive of {id}", $"artifacts/images/{id}.tar")),
            new("Bake", "Validate", "the bake record", "artifacts/bake-plan.json"),
            new("Bake", "Manifest", "the bake record", "artifacts/bake-plan.json"),
        ];
        var line = Assert.Single(Pipeline.Rules.Preflight.MissingInputs(["Scan", "Validate", "Manifest"], inputs, _ => false));
        Assert.Equal("Scan, Validate and Manifest need the OCI archive of a (artifacts/images/a.tar), the OCI archive of b (artifacts/images/b.tar), " +
                     "the OCI archive of c (artifacts/images/c.tar) and 2 more, but Bake does not run (--skip, or --continue after it ran); " +
                     "run Bake (drop it from --skip) or restore the files.", line);
    }

    [Fact]
    public void A_staging_registry_must_be_one_to_push_to_and_unset_means_the_build_starts_one()
    {
        Assert.Empty(Pipeline.Rules.Preflight.StagingRegistry(null, "devcontainer"));
        Assert.Empty(Pipeline.Rules.Preflight.StagingRegistry("127.0.0.1:5000/ns", "devcontainer"));
        Assert.Equal(["--staging-registry 'http://127.0.0.1:5000' is not a registry to push to; pass host[:port][/path] without scheme, tag or spaces, " +
                      "e.g. --staging-registry 127.0.0.1:5000, or leave it unset for a registry the build starts itself."],
            Pipeline.Rules.Preflight.StagingRegistry("http://127.0.0.1:5000", "devcontainer"));
    }

    [Fact]
    public void A_staging_registry_image_must_be_pinned_by_digest()
    {
        Assert.Empty(Pipeline.Rules.Preflight.StagingRegistryImage(Pipeline.Tools.LocalRegistry.Image));
        Assert.Empty(Pipeline.Rules.Preflight.StagingRegistryImage("mirror.example:5000/library/registry@sha256:" + new string('a', 64)));
        Assert.Equal(["--staging-registry-image 'mirror.example/registry:2.8.3' is not pinned by digest; pass <repository>[:tag]@sha256:<64 hex digits> " +
                      "(docker buildx imagetools inspect <image> prints it), or leave it unset for the distribution registry's pinned image."],
            Pipeline.Rules.Preflight.StagingRegistryImage("mirror.example/registry:2.8.3"));
        Assert.Single(Pipeline.Rules.Preflight.StagingRegistryImage("registry@sha256:abc"));
    }
}
