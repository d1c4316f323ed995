namespace BuildTests.Bake;

/// <summary>Paths of committed repository files, found by walking up from the test assembly to the solution.</summary>
internal static class RepositoryFiles
{
    public static readonly string Root = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);
    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "devcontainer-pipeline.sln"))) return dir.FullName;
        throw new InvalidOperationException("devcontainer-pipeline.sln not found above " + AppContext.BaseDirectory);
    }
}
