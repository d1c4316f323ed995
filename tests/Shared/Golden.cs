using System.Runtime.CompilerServices;
using Xunit;

namespace Tests.Shared;

/// <summary>
/// Golden-file assertions (Verify is not on our feed). Expected output lives in the test project's
/// <c>golden/</c> folder. On a mismatch the actual text is written to <c>received/</c> beside it
/// (git-ignored) so it can be diffed. To accept new output, run the tests with ACCEPT_GOLDEN=1: every
/// golden file compared in that run is overwritten, then review the change with `git diff`.
/// </summary>
public static class Golden
{
    public static void Match(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        actual = actual.Replace("\r\n", "\n");
        var projectDirectory = FindProjectDirectory(Path.GetDirectoryName(callerPath)!);
        var goldenPath = Path.Combine(projectDirectory, "golden", name);
        var receivedPath = Path.Combine(projectDirectory, "received", name);
        if (Environment.GetEnvironmentVariable("ACCEPT_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(goldenPath)!);
            File.WriteAllText(goldenPath, actual);
            return;
        }
        var expected = File.Exists(goldenPath) ? File.ReadAllText(goldenPath).Replace("\r\n", "\n") : null;
        if (expected == actual)
        {
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(receivedPath)!);
        File.WriteAllText(receivedPath, actual);
        Assert.Fail(expected is null
            ? $"No golden file {goldenPath}; the output was written to {receivedPath}. Accept it with ACCEPT_GOLDEN=1 dotnet test."
            : $"Output differs from {goldenPath}; see {receivedPath} (diff -u the two). If the change is intended, accept it with ACCEPT_GOLDEN=1 dotnet test.\n{FirstDifference(expected, actual)}");
    }

    private static string FindProjectDirectory(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (dir.EnumerateFiles("*.csproj").Any()) return dir.FullName;
        throw new InvalidOperationException($"No .csproj above {start}");
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end of file>";
            var al = i < a.Length ? a[i] : "<end of file>";
            if (el != al) return $"first difference at line {i + 1}:\n- {el}\n+ {al}";
        }
        return "";
    }
}
