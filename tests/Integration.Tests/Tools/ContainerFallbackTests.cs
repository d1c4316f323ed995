using Integration.Tests.Harness;
using Pipeline.Host.Tooling;
using Xunit;

namespace Integration.Tests.Tools;

/// <summary>
/// The container fallback of a tool that is not installed, with the real docker: when its image cannot be run (here an
/// image on the local registry that does not exist, so nothing leaves loopback), the run fails with one line saying the
/// tool is missing and how to install it, not with docker's own `See 'docker run --help'`.
/// </summary>
public class ContainerFallbackTests
{
    [IntegrationFact]
    public async Task A_fallback_image_that_cannot_run_is_one_line_naming_the_tool_and_the_fix()
    {
        var environment = ToolchainEnvironment.Variables.ToDictionary();
        var docker = ToolResolver.TryResolve("docker", environment.Count > 0 ? environment : null)!;
        var image = $"{ToolchainEnvironment.RegistryAddress}/missing/trivy@sha256:{new string('0', 64)}";
        var trivy = new ToolLocation("trivy", null, docker, image);

        var error = await Assert.ThrowsAsync<ToolNotFoundException>(() =>
            trivy.RunAsync(["--version"], [], Path.GetTempPath(), environment, logOutput: false));

        Assert.StartsWith($"Tool 'trivy' is not installed (TRIVY_EXE unset, not on PATH) and its container image {image} could not be run (", error.Message);
        Assert.EndsWith("); install trivy or set TRIVY_EXE to its path.", error.Message);
        Assert.DoesNotContain("\n", error.Message);
        Assert.Contains("not found", error.Message); // docker's reason, not its closing "See 'docker run --help'."
        Assert.DoesNotContain("docker run --help", error.Message);
    }
}
