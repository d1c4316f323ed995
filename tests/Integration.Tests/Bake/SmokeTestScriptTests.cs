using System.Diagnostics;
using Integration.Tests.Harness;
using Xunit;

namespace Integration.Tests.Bake;

/// <summary>Skips when this machine has no real g++ plus clang++ with libc++ (the smoke tests need real compilers).</summary>
public sealed class LocalCompilersFactAttribute : FactAttribute
{
    public LocalCompilersFactAttribute()
    {
        if (LocalCompilers.Find() is null) Skip = "needs g++ and clang-<N> with libc++ installed (e.g. apt-get install g++ clang libc++-dev)";
    }
}

/// <summary>The machine's g++ and newest versioned clang, linked as plain clang/clang++ in a directory for PATH.</summary>
internal sealed record LocalCompilers(string Gcc, string Clang, string BinDirectory)
{
    public static LocalCompilers? Find()
    {
        if (!File.Exists("/usr/bin/g++")) return null;
        var clang = Directory.Exists("/usr/bin") ? Directory.GetFiles("/usr/bin", "clang++-*")
            .Select(f => Path.GetFileName(f)["clang++-".Length..]).Where(v => int.TryParse(v, out _))
            .Where(v => Directory.Exists($"/usr/lib/llvm-{v}/include/c++/v1")).OrderByDescending(int.Parse).FirstOrDefault() : null;
        if (clang is null) return null;
        var bin = Path.Combine(Path.GetTempPath(), $"smoke-compilers-{clang}");
        Directory.CreateDirectory(bin);
        foreach (var tool in new[] { "clang", "clang++" })
            if (!File.Exists(Path.Combine(bin, tool))) File.CreateSymbolicLink(Path.Combine(bin, tool), $"/usr/bin/{tool}-{clang}");
        var gcc = Run("gcc", "-dumpfullversion").Output.Trim().Split('.')[0];
        return new LocalCompilers(gcc, clang, bin);
    }

    public static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}

/// <summary>
/// devcontainer/tests/run.sh (the validate stage's smoke tests) against this machine's real compilers: the real
/// image cannot be built here, but its smoke tests can be run. Skipped where no clang with libc++ is installed.
/// </summary>
public class SmokeTestScriptTests
{
    static (int, string) RunSmokeTests(LocalCompilers compilers, string gcc, string clang)
    {
        var info = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "devcontainer", "tests", "run.sh"));
        info.ArgumentList.Add(gcc);
        info.ArgumentList.Add(clang);
        info.Environment["PATH"] = compilers.BinDirectory + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    [LocalCompilersFact]
    public void Passes_when_both_compilers_are_the_expected_versions_and_build_and_run_a_program()
    {
        var compilers = LocalCompilers.Find()!;
        var (code, output) = RunSmokeTests(compilers, compilers.Gcc, compilers.Clang);
        Assert.True(code == 0, output);
        foreach (var test in new[] { "gcc-version", "clang-version", "gcc-hello", "clang-hello", "clang-libcxx-hello" })
            Assert.Contains("ok " + test, output);
    }

    [LocalCompilersFact]
    public void Fails_naming_the_compiler_whose_version_is_wrong()
    {
        var compilers = LocalCompilers.Find()!;
        var (code, output) = RunSmokeTests(compilers, "99", "p2996");
        Assert.Equal(1, code);
        Assert.Contains($"FAIL gcc-version: gcc reports {compilers.Gcc}.", output);
        Assert.Contains("FAIL clang-version: clang is not the p2996 fork", output);
        Assert.Contains("FAIL reflection: clang++ -freflection did not compile reflection.cpp", output);
        Assert.Contains("ok gcc-hello", output);
    }
}
