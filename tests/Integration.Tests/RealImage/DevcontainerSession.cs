using System.Text.Json.Nodes;
using Integration.Tests.Harness;

namespace Integration.Tests.RealImage;

/// <summary>
/// A devcontainer started by the real devcontainer CLI from a workspace whose .devcontainer/devcontainer.json names
/// an image, the way a project uses a published image. Disposing removes the container and the image the CLI built
/// on top of ours (it adds a layer that maps the remote user's uid to the caller's).
/// </summary>
public sealed class DevcontainerSession : IAsyncDisposable
{
    static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(10);

    DevcontainerSession(string cli, string workspace, Dictionary<string, string?> environment, JsonObject upResult, string upLog)
    {
        Cli = cli;
        Workspace = workspace;
        Environment = environment;
        UpResult = upResult;
        UpLog = upLog;
    }

    public string Cli { get; }
    public string Workspace { get; }
    Dictionary<string, string?> Environment { get; }

    /// <summary>What `devcontainer up --include-merged-configuration` printed (outcome, containerId, remoteUser, mergedConfiguration).</summary>
    public JsonObject UpResult { get; }

    /// <summary>Everything `devcontainer up` printed, lifecycle commands' output included (what a user sees at start).</summary>
    public string UpLog { get; }

    public string ContainerId => (string)UpResult["containerId"]!;

    /// <summary>Copies tests/Integration.Tests/RealImage/workspace, names <paramref name="image"/> in its devcontainer.json and runs `devcontainer up`.</summary>
    public static async Task<DevcontainerSession> UpAsync(string image, string workspace, string temporaryDirectory)
    {
        var cli = DevcontainerCli.Find() ?? throw new InvalidOperationException("the devcontainer CLI is missing: " + DevcontainerCli.InstallCommand);
        var source = Path.Combine(RepoPaths.Root, "tests", "Integration.Tests", "RealImage", "workspace");
        Directory.CreateDirectory(Path.Combine(workspace, ".devcontainer"));
        foreach (var file in Directory.EnumerateFiles(source)) File.Copy(file, Path.Combine(workspace, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(workspace, ".devcontainer", "devcontainer.json"),
            new JsonObject { ["name"] = "real image check", ["image"] = image }.ToJsonString());
        Directory.CreateDirectory(temporaryDirectory);
        var environment = DevcontainerCli.EnvironmentFor(temporaryDirectory);
        var up = await ProcessRunner.RunAsync(cli, ["up", "--workspace-folder", workspace, "--include-merged-configuration"],
            workspace, environment, timeout: UpTimeout);
        // The result is the last line of standard output (logs go to standard error).
        var last = up.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.TrimStart().StartsWith('{'));
        var result = last is null ? null : JsonNode.Parse(last) as JsonObject;
        if (!up.Succeeded || (string?)result?["outcome"] != "success" || result["containerId"] is null)
            throw new InvalidOperationException($"devcontainer up failed (exit {up.ExitCode}):\n{up.Output}");
        return new DevcontainerSession(cli, workspace, environment, result, up.Output);
    }

    /// <summary>`devcontainer exec --workspace-folder &lt;workspace&gt; &lt;command&gt;`: runs as the remote user in the workspace folder.</summary>
    public Task<ProcessResult> ExecAsync(Action<string> onLine, params string[] command)
    {
        onLine("$ devcontainer exec " + string.Join(' ', command));
        return ProcessRunner.RunAsync(Cli, ["exec", "--workspace-folder", Workspace, .. command], Workspace, Environment, onLine,
            TimeSpan.FromMinutes(5));
    }

    public async ValueTask DisposeAsync()
    {
        var image = await ProcessRunner.RunAsync("docker", ["inspect", "--format", "{{.Config.Image}}", ContainerId]);
        await ProcessRunner.RunAsync("docker", ["rm", "--force", "--volumes", ContainerId]);
        // Only the CLI's own image (vsc-<workspace>-<hash>-uid); ours is removed by the fixture.
        if (image.Succeeded && image.StandardOutput.Trim() is { Length: > 0 } name && name.StartsWith("vsc-", StringComparison.Ordinal))
            await ProcessRunner.RunAsync("docker", ["image", "rm", name]);
    }
}
