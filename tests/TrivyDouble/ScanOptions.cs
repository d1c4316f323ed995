namespace TrivyDouble;

/// <summary>
/// What one `trivy image` invocation asked for, resolved as Trivy does: flag, then TRIVY_* variable, then
/// trivy.yaml (--config, else ./trivy.yaml when present).
/// </summary>
internal sealed record ScanOptions
{
    public static readonly string[] AllSeverities = ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

    public string? Input { get; init; }
    public string? Reference { get; init; }
    public string Format { get; init; } = "table";
    public string? Output { get; init; }
    public IReadOnlyList<string> Severities { get; init; } = AllSeverities;
    public int ExitCode { get; init; }
    public string? IgnoreFile { get; init; }
    public bool IgnoreUnfixed { get; init; }
    /// <summary>Null when not set explicitly (then CycloneDX output carries no vulnerabilities, as with Trivy).</summary>
    public IReadOnlyList<string>? Scanners { get; init; }
    public bool Quiet { get; init; }
    public string? Platform { get; init; }
    /// <summary>--insecure (TRIVY_INSECURE): plain HTTP to the registry of a reference.</summary>
    public bool Insecure { get; init; }
    /// <summary>--image-src: where an image reference is looked for (the double reads only `remote`, a registry).</summary>
    public IReadOnlyList<string>? ImageSources { get; init; }

    public string ArtifactName => Input ?? Reference!;

    public static ScanOptions Resolve(CommandLine.Parsed parsed, IReadOnlyDictionary<string, string?> env, string workingDirectory)
    {
        string? Flag(string name)
        {
            if (parsed.Flags.TryGetValue(name, out var flag)) return flag;
            var variable = env.GetValueOrDefault("TRIVY_" + name.ToUpperInvariant().Replace('-', '_'));
            return string.IsNullOrEmpty(variable) ? null : variable;
        }
        string Full(string path) => Path.GetFullPath(path, workingDirectory);

        var configFlag = Flag("config");
        var defaultConfig = Full("trivy.yaml");
        var config = configFlag is not null
            ? File.Exists(Full(configFlag)) ? TrivyConfig.Load(Full(configFlag)) : throw new DoubleUsageException($"config file not found: {configFlag}")
            : File.Exists(defaultConfig) ? TrivyConfig.Load(defaultConfig) : TrivyConfig.Empty;

        IReadOnlyList<string>? List(string flag, params string[] configKeys) =>
            Flag(flag) is { } value ? Split(value).ToList() : configKeys.Select(config.Get).FirstOrDefault(v => v is not null)?.SelectMany(Split).ToList();
        string? Single(string flag, params string[] configKeys) => List(flag, configKeys)?.FirstOrDefault();
        bool Bool(string flag, params string[] configKeys) => Single(flag, configKeys) is { } b && ParseBool(flag, b);

        var severities = (List("severity", "severity") ?? AllSeverities).Select(s => s.ToUpperInvariant()).ToList();
        var unknown = severities.FirstOrDefault(s => !AllSeverities.Contains(s));
        if (unknown is not null) throw new DoubleUsageException($"unknown severity option: {unknown}");

        var exitCodeText = Single("exit-code", "exit-code") ?? "0";
        if (!int.TryParse(exitCodeText, out var exitCode)) throw new DoubleUsageException($"invalid exit code: {exitCodeText}");

        var format = Single("format", "format") ?? "table";
        if (format is not ("json" or "cyclonedx" or "table"))
            throw new DoubleUsageException($"format {format} is not implemented by trivy-test-double (json, cyclonedx, table are)");

        var input = Single("input", "image.input");
        var reference = parsed.Positionals.FirstOrDefault();
        if (input is null && reference is null) throw new DoubleUsageException("image name or --input must be specified");
        if (input is not null && reference is not null) throw new DoubleUsageException("specify either an image name or --input, not both");

        var ignoreFile = Single("ignorefile", "ignorefile");
        return new ScanOptions
        {
            Input = input,
            Reference = reference,
            Format = format,
            Output = Single("output", "output") is { Length: > 0 } o ? Full(o) : null,
            Severities = severities,
            ExitCode = exitCode,
            IgnoreFile = ignoreFile is not null ? Full(ignoreFile) : File.Exists(Full(".trivyignore")) ? Full(".trivyignore") : null,
            IgnoreUnfixed = Bool("ignore-unfixed", "vulnerability.ignore-unfixed", "ignore-unfixed"),
            Scanners = List("scanners", "scan.scanners"),
            Quiet = Bool("quiet", "quiet"),
            Platform = Single("platform", "image.platform", "platform"),
            Insecure = Bool("insecure", "insecure"),
            ImageSources = List("image-src", "image.source"),
        };
    }

    static IEnumerable<string> Split(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    static bool ParseBool(string flag, string value) => bool.TryParse(value, out var b)
        ? b : throw new DoubleUsageException($"invalid boolean for {flag}: {value}");
}
