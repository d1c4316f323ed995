using System.Reflection;
using Pipeline.CI;

namespace WorkflowTests;

/// <summary>Where things are, and the workflows the build class generates: as committed and in attribute variants.</summary>
internal static class WorkflowTestSupport
{
    public static string RepoRoot { get; } = FindRepoRoot();
    public static string WorkflowsDirectory => Path.Combine(RepoRoot, ".github", "workflows");
    public static string ActionlintDirectory => Path.Combine(RepoRoot, "tests", "Build.Tests", "Workflows", "actionlint");
    /// <summary>A copy of the shared fixture in the repository (Fixtures/README.md): test.yml's hosted job has no ../shared.</summary>
    public static string WorkflowSchemaPath => Path.Combine(RepoRoot, "tests", "Build.Tests", "Workflows", "Fixtures", "github-workflow.schema.json");

    public static Type BuildClass { get; } = typeof(Build);

    public static IReadOnlyList<GeneratedWorkflow> Generated() => WorkflowGenerator.Generate(BuildClass, Permutation.All);

    public static GitHubActionsMatrixAttribute MatrixAttribute() =>
        BuildClass.GetCustomAttributes<GitHubActionsMatrixAttribute>().Single();

    public static IReadOnlyList<GitHubActionsInputAttribute> Inputs() =>
        BuildClass.GetCustomAttributes<GitHubActionsInputAttribute>().ToList();

    /// <summary>A permutation that does not exist (yet): what adding one to Permutation.cs changes in the workflow.</summary>
    public static readonly Permutation FifthPermutation = new() { Value = "gcc16-clang21", Gcc = "16", Clang = "21" };

    /// <summary>build-devcontainer.yml with one attribute changed; the description names the change.</summary>
    public static IReadOnlyList<(string Name, string Change, GeneratedWorkflow Workflow)> MatrixVariants()
    {
        (string, string, GeneratedWorkflow) Variant(string name, string change, Action<GitHubActionsMatrixAttribute> edit, IReadOnlyList<Permutation>? permutations = null)
        {
            var attribute = MatrixAttribute();
            edit(attribute);
            return (name, change, WorkflowGenerator.Generate(BuildClass, attribute, Inputs(), permutations ?? Permutation.All));
        }
        return
        [
            Variant("hosted-runners", "RunsOn = [ubuntu-24.04], Arm64RunsOn = [ubuntu-24.04-arm]",
                a => { a.RunsOn = ["ubuntu-24.04"]; a.Arm64RunsOn = ["ubuntu-24.04-arm"]; }),
            Variant("emulated", "PerPlatformJobs = false (one QEMU-emulated job per permutation)", a => a.PerPlatformJobs = false),
            Variant("fifth-permutation", "a fifth permutation gcc16-clang21 in Permutation.All", _ => { }, [.. Permutation.All, FifthPermutation]),
        ];
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "devcontainer-pipeline.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No devcontainer-pipeline.sln above {AppContext.BaseDirectory}");
    }
}
