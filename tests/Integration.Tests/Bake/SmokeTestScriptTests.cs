using Integration.Tests.Harness;
using Integration.Tests.RealImage;
using Xunit;
using Xunit.Abstractions;

namespace Integration.Tests.Bake;

/// <summary>
/// devcontainer/tests (the validate stage's smoke tests and secret scan) run in the real published gcc14-clang20
/// image with `docker run`, mounted where the validate stage copies them. Validate runs them too, but BuildKit
/// answers an unchanged validate stage from its cache; here they run every time, and also where they must fail.
/// </summary>
[Collection(RealImageCollection.Name)]
public sealed class SmokeTestScriptTests(RealImageBuild image, ITestOutputHelper output)
{
    static readonly string SmokeTests = Path.Combine(RepoPaths.Root, "devcontainer", "tests");

    async Task<ProcessResult> RunInImageAsync(string user, params string[] command)
    {
        var reference = await image.PulledImageAsync();
        return await ProcessRunner.RunAsync("docker",
            ["run", "--rm", "--network", "none", "--user", user, "--volume", $"{SmokeTests}:/tmp/smoke:ro", reference, .. command],
            onLine: line => { try { output.WriteLine(line); } catch (InvalidOperationException) { } });
    }

    [RealImageFact]
    public async Task Pass_for_the_image_own_compilers_building_and_running_a_program_with_each()
    {
        var run = await RunInImageAsync("dev", "sh", "/tmp/smoke/run.sh", "14", "20");
        Assert.True(run.Succeeded, run.Output);
        foreach (var test in new[] { "gcc-version (14.", "g++-version", "clang-version (Ubuntu clang version 20.", "gcc-hello", "clang-hello", "clang-libcxx-hello" })
            Assert.Contains("ok " + test, run.StandardOutput);
        Assert.Contains("all smoke tests passed (gcc 14, clang 20)", run.StandardOutput);
    }

    [RealImageFact]
    public async Task Fail_naming_the_compiler_whose_version_is_wrong()
    {
        var run = await RunInImageAsync("dev", "sh", "/tmp/smoke/run.sh", "99", "p2996");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAIL gcc-version: gcc reports 14.", run.StandardOutput);
        Assert.Contains("FAIL clang-version: clang is not the p2996 fork", run.StandardOutput);
        Assert.Contains("FAIL reflection: clang++ -freflection did not compile reflection.cpp", run.StandardOutput);
        Assert.Contains("ok gcc-hello", run.StandardOutput);
    }

    [RealImageFact]
    public async Task The_secret_scan_passes_the_real_image()
    {
        var run = await RunInImageAsync("root", "sh", "/tmp/smoke/no-secrets.sh", "/");
        Assert.True(run.Succeeded, run.Output);
        Assert.Contains("ok secrets: no private keys or credential files under /", run.StandardOutput);
    }

    [RealImageFact]
    public async Task The_secret_scan_finds_keys_and_credentials_planted_in_the_real_image()
    {
        // Real keys made by the image's own ssh-keygen: a PEM RSA key in a server's config and a user's SSH key.
        var run = await RunInImageAsync("root", "sh", "-c",
            "mkdir -p /etc/app /home/dev/.ssh && ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -f /etc/app/server.key"
            + " && ssh-keygen -q -t ed25519 -N '' -f /home/dev/.ssh/id_ed25519"
            + " && echo 'https://dev:ghp_plantedtoken@example.invalid' > /home/dev/.git-credentials"
            + " && sh /tmp/smoke/no-secrets.sh /");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAIL secrets: /etc/app/server.key (PEM private key)", run.StandardOutput);
        Assert.Contains("FAIL secrets: /home/dev/.ssh/id_ed25519 (SSH private key file)", run.StandardOutput);
        Assert.Contains("FAIL secrets: /home/dev/.git-credentials (git credentials)", run.StandardOutput);
        Assert.DoesNotContain("FAIL secrets: /usr/", run.StandardOutput); // binaries that merely hold the header pass
    }
}
