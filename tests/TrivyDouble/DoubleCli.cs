using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TrivyDouble;

/// <summary>
/// trivy-test-double: answers `trivy image ...`, `trivy sbom ...`, `trivy convert --format sarif ...` and `trivy --version` the way Trivy does (report formats, exit-code
/// contract, ignore files, config file) with findings chosen by the test. It is NOT Trivy: it never looks inside
/// layers; see Findings for how a test picks what it reports.
/// </summary>
public static class DoubleCli
{
    public const string DefaultVersion = "0.67.2";
    public const string VersionVariable = "TRIVY_TEST_DOUBLE_VERSION";
    public const string InvocationLogVariable = "TRIVY_TEST_DOUBLE_LOG";

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Run(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> env, string workingDirectory,
        TextWriter stdout, TextWriter stderr)
    {
        var exitCode = 1;
        try
        {
            exitCode = Execute(args, env, workingDirectory, stdout, stderr);
        }
        catch (DoubleUsageException e)
        {
            stderr.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}\tFATAL\ttrivy-test-double: {e.Message}");
        }
        if (env.GetValueOrDefault(InvocationLogVariable) is { Length: > 0 } log)
            File.AppendAllText(log, new JsonObject
            {
                ["args"] = new JsonArray(args.Select(a => (JsonNode)a!).ToArray()),
                ["workingDirectory"] = workingDirectory,
                ["exitCode"] = exitCode,
            }.ToJsonString() + "\n");
        return exitCode;
    }

    static int Execute(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> env, string workingDirectory,
        TextWriter stdout, TextWriter stderr)
    {
        var version = env.GetValueOrDefault(VersionVariable) is { Length: > 0 } v ? v : DefaultVersion;
        var parsed = CommandLine.Parse(args);
        if (parsed.Flags.ContainsKey("version") || parsed.Command == "version")
        {
            stdout.WriteLine($"Version: {version}");
            stdout.WriteLine("trivy-test-double: a test double standing in for Trivy (tests/TrivyDouble); it scans nothing.");
            return 0;
        }
        if (parsed.Command == "convert") return Convert(parsed, workingDirectory, version, stdout);
        if (parsed.Command is not ("image" or "i" or "sbom"))
            throw new DoubleUsageException($"unknown command \"{parsed.Command}\" (trivy-test-double implements `image`, `sbom`, `convert` and `--version`)");

        var options = ScanOptions.Resolve(parsed, env, workingDirectory);
        var isSbom = parsed.Command == "sbom";
        if (isSbom) SbomInput.Check(options, workingDirectory);
        void Info(string message) { if (!options.Quiet) stderr.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}\tINFO\t[trivy-test-double] {message}"); }

        var facts = options.Input is not null ? OciArchive.Read(Path.GetFullPath(options.Input, workingDirectory), options.Platform)
            : !isSbom ? RegistryImage.Read(options.Reference!, options.Platform, options.Insecure, options.ImageSources, env) : null;
        // The platform of the image scanned: the archive's chosen manifest, else the one asked for.
        var labels = facts?.Config["config"]?["Labels"] is System.Text.Json.Nodes.JsonObject l ? l.Select(x => x.Value?.ToString() ?? "") : null;
        var findings = Findings.Load(env, options.ArtifactName, facts?.Platform ?? options.Platform, labels);
        Info(findings is null ? "no findings chosen: reporting a clean image" : $"findings from {env[Findings.FindingsVariable]}");
        IReadOnlyList<IgnoreRule> rules = [];
        if (options.IgnoreFile is not null && File.Exists(options.IgnoreFile))
            rules = IgnoreRules.Load(options.IgnoreFile, DateOnly.FromDateTime(DateTime.UtcNow));
        else if (options.IgnoreFile is not null)
            Info($"ignore file {options.IgnoreFile} does not exist (ignored, as Trivy does)");

        var results = JsonReport.RetargetedResults(findings, options.ArtifactName);
        var remaining = Findings.Filter(results, options, rules);
        var now = DateTimeOffset.UtcNow;
        var text = options.Format switch
        {
            "json" => JsonReport.Build(options, facts, findings, results, version, now, isSbom ? SbomInput.ArtifactType : JsonReport.ImageArtifactType).ToJsonString(Indented) + "\n",
            "cyclonedx" => CycloneDxReport.Build(options, facts, findings, results, Findings.LoadSbom(env), version, now).ToJsonString(Indented) + "\n",
            _ => Table(results, options.ArtifactName),
        };
        if (options.Output is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(options.Output)!);
            File.WriteAllText(options.Output, text);
        }
        else stdout.Write(text);

        Info($"{remaining} vulnerabilities at {string.Join(",", options.Severities)} after ignores");
        return remaining > 0 && options.ExitCode != 0 ? options.ExitCode : 0;
    }

    /// <summary>`trivy convert --format sarif [--output f] report.json`: only SARIF (what Refresh uploads to code scanning).</summary>
    static int Convert(CommandLine.Parsed parsed, string workingDirectory, string version, TextWriter stdout)
    {
        if (parsed.Positionals.Count != 1) throw new DoubleUsageException("convert takes one Trivy JSON report");
        var format = parsed.Flags.GetValueOrDefault("format") ?? "table";
        if (format != "sarif") throw new DoubleUsageException($"convert --format {format}: trivy-test-double converts only to sarif");
        var path = Path.GetFullPath(parsed.Positionals[0], workingDirectory);
        if (!File.Exists(path)) throw new DoubleUsageException($"report read error: open {parsed.Positionals[0]}: no such file or directory");
        var report = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
        if (report is null || (int?)report["SchemaVersion"] != 2) throw new DoubleUsageException($"{parsed.Positionals[0]} is not a Trivy JSON report (SchemaVersion 2)");
        var text = SarifReport.Build(report, version).ToJsonString(Indented) + "\n";
        if (parsed.Flags.GetValueOrDefault("output") is { } output)
        {
            output = Path.GetFullPath(output, workingDirectory);
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            File.WriteAllText(output, text);
        }
        else stdout.Write(text);
        return 0;
    }

    static string Table(JsonArray results, string artifactName)
    {
        var writer = new StringWriter();
        var vulnerabilities = Findings.Vulnerabilities(results).ToList();
        writer.WriteLine($"\n{artifactName}\n");
        var counts = ScanOptions.AllSeverities.Select(s => $"{s}: {vulnerabilities.Count(v => (string?)v["Severity"] == s)}");
        writer.WriteLine($"Total: {vulnerabilities.Count} ({string.Join(", ", counts)})\n");
        foreach (var v in vulnerabilities)
            writer.WriteLine($"{v["PkgName"]}\t{v["VulnerabilityID"]}\t{v["Severity"]}\t{v["InstalledVersion"]}\t{v["FixedVersion"]}");
        return writer.ToString();
    }
}
