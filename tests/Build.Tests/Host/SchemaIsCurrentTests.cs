using Pipeline.Host;
using Xunit;

namespace BuildTests.Host;

/// <summary>NUKE's global tool, shell completion and editors read the committed schema, so it must match the build.</summary>
public class SchemaIsCurrentTests
{
    [Fact]
    public void The_committed_build_schema_matches_what_the_build_generates()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !Directory.Exists(Path.Combine(root.FullName, ".nuke"))) root = root.Parent;
        Assert.NotNull(root);
        var committedPath = Path.Combine(root!.FullName, ".nuke", "build.schema.json");

        var buildType = typeof(Build);
        var generated = SchemaWriter.Render(ExecutableTarget.Discover(Activator.CreateInstance(buildType, nonPublic: true)!), ParameterMember.Discover(buildType));

        var committed = File.Exists(committedPath) ? File.ReadAllText(committedPath).Replace("\r\n", "\n") : "";
        Assert.True(committed == generated,
            ".nuke/build.schema.json is out of date with the build's targets and parameters; regenerate it with `./build.sh --help` " +
            "(every run rewrites it) and commit .nuke/build.schema.json.");
    }
}
