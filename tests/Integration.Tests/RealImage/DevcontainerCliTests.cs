using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.RealImage;

/// <summary>
/// The published image used the way the team will: the real devcontainer CLI runs `devcontainer up` on a workspace
/// whose devcontainer.json names the image by digest (a project names a tag, which Publish points at this digest),
/// then `devcontainer exec` works in it. One container serves every test (see <see cref="RealImageBuild"/>).
/// </summary>
[Collection(RealImageCollection.Name)]
public sealed class DevcontainerCliTests(RealImageBuild image, ITestOutputHelper output)
{
    const string Cxx23Output = "C++23 ok: squares=14 counter=2 digit=7 error='not a digit: x'";

    async Task<ProcessResult> ExecAsync(string script)
    {
        var session = await image.DevcontainerAsync();
        return await session.ExecAsync(Log, "sh", "-c", script);
    }

    void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    [RealImageFact]
    public async Task Up_starts_the_container_as_the_non_root_user_of_the_metadata_label()
    {
        var session = await image.DevcontainerAsync();
        Assert.Equal("dev", (string?)session.UpResult["remoteUser"]);
        var who = await ExecAsync("whoami; id -u");
        Assert.True(who.Succeeded, who.Output);
        var lines = who.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("dev", lines[0]);
        Assert.NotEqual("0", lines[1]);
    }

    [RealImageFact]
    public async Task A_workspace_the_remote_user_cannot_write_is_named_at_start_with_a_fix_that_works()
    {
        var session = await image.DevcontainerAsync();
        const string Warning = "cannot write it, so builds inside it fail; the host user is probably root";
        var writable = await ExecAsync("test -w . && echo writable || echo read-only");
        Assert.True(writable.Succeeded, writable.Output);
        // updateRemoteUserUID maps dev to a non-root caller's uid; to root (this machine's CI user) it cannot.
        if (Environment.UserName != "root")
        {
            Assert.Equal("writable", writable.StandardOutput.Trim());
            Assert.DoesNotContain(Warning, session.UpLog);
            return;
        }
        Assert.Equal("read-only", writable.StandardOutput.Trim());
        var folder = Path.GetFileName(session.Workspace);
        Assert.Contains($"devcontainer: /workspaces/{folder} is owned by uid 0 and dev (uid 1000) {Warning}", session.UpLog);
        Assert.Contains($"Build outside it (cmake -B ~/build/{folder})", session.UpLog);
        var inTree = await ExecAsync("cmake -G Ninja -S . -B build");
        Assert.False(inTree.Succeeded, "an in-tree build in the read-only workspace succeeded: " + inTree.Output);
        var outside = await ExecAsync($"cmake -G Ninja -S . -B ~/build/{folder} && cmake --build ~/build/{folder} && ~/build/{folder}/cxx23");
        Assert.True(outside.Succeeded, outside.Output);
        Assert.Contains(Cxx23Output, outside.StandardOutput);
    }

    [RealImageFact]
    public async Task CC_and_CXX_come_from_the_image_devcontainer_metadata_label()
    {
        var session = await image.DevcontainerAsync();
        // The CLI merged the label into the configuration (the workspace's devcontainer.json names only the image).
        var containerEnv = session.UpResult["mergedConfiguration"]?["containerEnv"]?.AsObject();
        Assert.NotNull(containerEnv);
        Assert.Equal("gcc", (string?)containerEnv["CC"]);
        Assert.Equal("g++", (string?)containerEnv["CXX"]);
        var env = await ExecAsync("echo \"CC=$CC CXX=$CXX\"");
        Assert.True(env.Succeeded, env.Output);
        Assert.Equal("CC=gcc CXX=g++", env.StandardOutput.Trim());
    }

    [RealImageFact]
    public async Task A_Cxx23_program_builds_and_runs_with_gcc()
    {
        var run = await ExecAsync("g++ -std=c++23 -Wall -Wextra -Werror -o /tmp/cxx23-gcc cxx23.cpp && /tmp/cxx23-gcc");
        Assert.True(run.Succeeded, run.Output);
        Assert.Equal(Cxx23Output, run.StandardOutput.Trim());
    }

    [RealImageFact]
    public async Task A_Cxx23_program_builds_and_runs_with_clang_and_libcxx()
    {
        var run = await ExecAsync("clang++ -std=c++23 -stdlib=libc++ -Wall -Wextra -Werror -o /tmp/cxx23-libcxx cxx23.cpp"
            + " && /tmp/cxx23-libcxx && ldd /tmp/cxx23-libcxx");
        Assert.True(run.Succeeded, run.Output);
        Assert.StartsWith(Cxx23Output + "\n", run.StandardOutput);
        Assert.Contains("libc++.so.1", run.StandardOutput);
    }

    [RealImageFact]
    public async Task A_CMake_project_configures_with_Ninja_and_builds()
    {
        var run = await ExecAsync("cmake -G Ninja -S . -B /tmp/cmake-build && cmake --build /tmp/cmake-build"
            + " && test -f /tmp/cmake-build/build.ninja && grep '^CMAKE_CXX_COMPILER:' /tmp/cmake-build/CMakeCache.txt && /tmp/cmake-build/cxx23");
        Assert.True(run.Succeeded, run.Output);
        Assert.Contains("Build files have been written to: /tmp/cmake-build", run.StandardOutput);
        Assert.Contains("CMAKE_CXX_COMPILER:FILEPATH=/usr/bin/g++", run.StandardOutput); // CXX from the label
        Assert.EndsWith(Cxx23Output, run.StandardOutput.Trim());
    }

    [RealImageFact]
    public async Task Clang_format_and_clang_tidy_have_their_say_on_legacy_code()
    {
        var format = await ExecAsync("clang-format --style=LLVM legacy.cpp");
        Assert.True(format.Succeeded, format.Output);
        Assert.Equal("int main() {\n  int *p = 0;\n  return p != 0;\n}", format.StandardOutput.Trim());
        var tidy = await ExecAsync("clang-tidy --checks=-*,modernize-use-nullptr legacy.cpp -- -std=c++23");
        Assert.True(tidy.Succeeded, tidy.Output);
        Assert.Equal(2, tidy.StandardOutput.Split('\n').Count(l => l.Contains("warning: use nullptr [modernize-use-nullptr]")));
    }

    [RealImageFact]
    public async Task Clangd_checks_a_file_and_gdb_stops_at_a_breakpoint()
    {
        var clangd = await ExecAsync("clangd --check=cxx23.cpp --check-locations=false 2>&1"); // flags from compile_flags.txt
        Assert.True(clangd.Succeeded, clangd.Output);
        Assert.Contains("All checks completed, 0 errors", clangd.StandardOutput);
        var gdb = await ExecAsync("g++ -g -std=c++23 -o /tmp/cxx23-debug cxx23.cpp"
            + " && gdb -batch -ex 'break parse_digit' -ex run -ex bt /tmp/cxx23-debug");
        Assert.True(gdb.Succeeded, gdb.Output);
        Assert.Contains("Breakpoint 1, parse_digit", gdb.StandardOutput);
        Assert.Matches(@"#1 .* in main \(\) at cxx23\.cpp:\d+", gdb.StandardOutput);
    }
}
