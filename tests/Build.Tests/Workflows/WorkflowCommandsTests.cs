using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace WorkflowTests;

/// <summary>
/// Every `./build.sh ...` a workflow runs is accepted by the real build: the built build assembly plans it
/// (`--plan`: parses targets and parameters, runs nothing), with sample values for what env: holds in CI.
/// A renamed target or parameter fails here, not on GitHub.
/// </summary>
public partial class WorkflowCommandsTests
{
    public static TheoryData<string, string> Commands()
    {
        var data = new TheoryData<string, string>();
        var workflows = WorkflowTestSupport.Generated().Select(w => (w.FileName, w.Text))
            .Concat(WorkflowTestSupport.MatrixVariants().Select(v => ("variant:" + v.Name, v.Workflow.Text)));
        foreach (var (name, text) in workflows)
        foreach (var job in Yaml.Parse(text)["jobs"].Keys)
        foreach (var step in Yaml.Parse(text)["jobs"][job]["steps"].Items.Where(s => s["run"].Text?.StartsWith("./build.sh ") == true))
        {
            var arguments = Arguments(step);
            if (data.All(row => (string)row[1] != arguments)) data.Add($"{name} {job}: {step["name"].Text}", arguments);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void The_build_accepts_the_command(string step, string arguments)
    {
        var (exitCode, output) = Plan(arguments);
        Assert.True(exitCode == 0, $"{step}: `./build.sh {arguments} --plan` exited {exitCode}:\n{output}");
        Assert.Contains("Execution plan", output);
    }

    [Fact]
    public void An_unknown_parameter_fails_the_plan()
    {
        var (exitCode, output) = Plan("Bake --no-such-parameter x");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("no-such-parameter", output);
    }

    // "$NAME" on the command line is replaced by a sample of what env: sets NAME to in CI.
    private static string Arguments(Yaml step) =>
        EnvReference().Replace(step["run"].Text!["./build.sh ".Length..].Trim(), m => Sample(step["env"][m.Groups[1].Value].Text
            ?? throw new InvalidOperationException($"{m.Value} is used but not set in the step's env:")));

    private static string Sample(string expression) => expression switch
    {
        "${{ matrix.permutation }}" => Permutation.All[0].Id,
        "${{ matrix.platform }}" => "linux/arm64",
        "artifacts/${{ matrix.permutation }}-${{ matrix.arch }}" => $"artifacts/{Permutation.All[0].Id}-arm64",
        "artifacts/permutation-${{ matrix.permutation }}" => $"artifacts/permutation-{Permutation.All[0].Id}",
        "${{ inputs.dry-run || false }}" => "true",
        "${{ inputs.manifest }}" => "artifacts/manifest.json",
        "${{ inputs.manifest || format('{0}/lkg.json', runner.temp) }}" => "artifacts/manifest.json",
        "${{ runner.temp }}/lkg.json" => "/tmp/lkg.json",
        "${{ vars.DEVCONTAINER_FORCE == 'true' }}" => "false", // what GitHub renders for an unset variable
        "${{ vars.DEVCONTAINER_ROLLBACK_WITHOUT_REVIEWERS == 'true' }}" => "false",
        "${{ vars.DEVCONTAINER_REGISTRY || format('ghcr.io/{0}', github.repository_owner) }}" => "ghcr.io/octo-org",
        _ when !expression.Contains("${{") => expression, // a literal value, e.g. --cache registry-read
        _ => throw new InvalidOperationException($"No sample value for `{expression}`; add one to {nameof(WorkflowCommandsTests)}.{nameof(Sample)}."),
    };

    // A root of its own (an empty .nuke/): planning rewrites .nuke/build.schema.json, which other tests may be reading.
    // It holds what a job has when its command runs (the checkout's bake file and retention policy, the manifest the
    // rollback job is given), since --plan refuses what the run would refuse (exit 2).
    private static readonly Lazy<string> PlanRoot = new(() =>
    {
        var root = Directory.CreateTempSubdirectory("workflow-plan-root-").FullName;
        Directory.CreateDirectory(Path.Combine(root, ".nuke"));
        foreach (var file in new[] { "docker-bake.hcl", "retention-policy.json" })
            File.Copy(BuildTests.Bake.RepositoryFiles.PathOf(file), Path.Combine(root, file));
        Directory.CreateDirectory(Path.Combine(root, "artifacts"));
        File.WriteAllText(Path.Combine(root, "artifacts", "manifest.json"), ManifestStore.Serialize(PublishedManifest, BuildTests.Publish.ManifestSamples.KnownIds));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(root, recursive: true); } catch (IOException) { } };
        return root;
    });

    /// <summary>A default-branch manifest in the registry the samples name (ghcr.io/octo-org), as rollback.yml's input is.</summary>
    private static ReleaseManifest PublishedManifest
    {
        get
        {
            const string repository = "ghcr.io/octo-org/devcontainer";
            var sample = BuildTests.Publish.ManifestSamples.Manifest();
            var id = sample.Permutations[0].Id;
            return sample with { Permutations = [sample.Permutations[0] with { Repository = repository,
                Tags = [new ManifestTag($"{repository}:{id}", true), new ManifestTag($"{repository}:{sample.Sha}-{id}", false)] }] };
        }
    }

    private static (int ExitCode, string Output) Plan(string arguments)
    {
        var assembly = Path.Combine(AppContext.BaseDirectory, "_build.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = PlanRoot.Value, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)) start.ArgumentList.Add(argument);
        foreach (var flag in new[] { "--plan", "--no-logo", "--root", PlanRoot.Value }) start.ArgumentList.Add(flag);
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("GITHUB_") || n.StartsWith("NUKE_")))
            start.Environment.Remove(name);
        // What a job's runner and env: give it: keyless signing and verification (the publishing jobs have id-token: write), and
        // the token of the steps that call GitHub's REST API.
        start.Environment["GITHUB_REPOSITORY"] = "octo-org/devcontainers";
        start.Environment["ACTIONS_ID_TOKEN_REQUEST_URL"] = "https://token.actions.example/";
        start.Environment["GITHUB_TOKEN"] = "sample-job-token";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    [GeneratedRegex(@"""\$([A-Z_][A-Z0-9_]*)""")]
    private static partial Regex EnvReference();
}
