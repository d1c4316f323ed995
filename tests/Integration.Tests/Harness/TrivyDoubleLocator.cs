namespace Integration.Tests.Harness;

/// <summary>
/// Finds the built trivy-test-double (tests/TrivyDouble, a project reference of this test project, so it is built
/// and copied next to the tests). BuildRunner puts it in front of every child build as TRIVY_EXE.
/// </summary>
public static class TrivyDoubleLocator
{
    public const string ExecutableName = "trivy-test-double";

    /// <summary>The native launcher next to the test assembly; it runs the double's dll on this machine's dotnet.</summary>
    public static string ExecutablePath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? ExecutableName + ".exe" : ExecutableName);
            return File.Exists(path) ? path
                : throw new InvalidOperationException($"{path} is missing; build tests/Integration.Tests (it references tests/TrivyDouble).");
        }
    }
}
