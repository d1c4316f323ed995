namespace TrivyDouble;

/// <summary>A usage or input error: printed as one FATAL line, exit code 1 (as Trivy does).</summary>
public sealed class DoubleUsageException(string message) : Exception(message);

/// <summary>
/// Parses the part of Trivy's CLI the pipeline calls. Flags the double does not implement but real Trivy accepts are
/// taken and ignored (listed below); anything else is refused, so a typo fails here as it would with Trivy.
/// </summary>
internal static class CommandLine
{
    static readonly Dictionary<string, string> ValueFlags = new()
    {
        ["--format"] = "format", ["-f"] = "format", ["--output"] = "output", ["-o"] = "output",
        ["--severity"] = "severity", ["-s"] = "severity", ["--exit-code"] = "exit-code",
        ["--config"] = "config", ["-c"] = "config", ["--ignorefile"] = "ignorefile", ["--input"] = "input",
        ["--scanners"] = "scanners", ["--platform"] = "platform", ["--image-src"] = "image-src",
        // accepted, no effect on the double
        ["--cache-dir"] = "cache-dir", ["--timeout"] = "timeout", ["--db-repository"] = "db-repository",
        ["--java-db-repository"] = "java-db-repository", ["--checks-bundle-repository"] = "checks-bundle-repository",
        ["--pkg-types"] = "pkg-types", ["--vuln-type"] = "vuln-type", ["--skip-dirs"] = "skip-dirs",
        ["--skip-files"] = "skip-files", ["--username"] = "username",
        ["--password"] = "password", ["--registry-token"] = "registry-token", ["--cache-backend"] = "cache-backend",
        ["--exit-on-eol"] = "exit-on-eol", ["--ignore-status"] = "ignore-status",
    };

    static readonly Dictionary<string, string> BoolFlags = new()
    {
        ["--ignore-unfixed"] = "ignore-unfixed", ["--quiet"] = "quiet", ["-q"] = "quiet", ["--version"] = "version",
        ["-v"] = "version", ["--insecure"] = "insecure",
        // accepted, no effect on the double
        ["--skip-db-update"] = "skip-db-update", ["--skip-java-db-update"] = "skip-java-db-update",
        ["--skip-check-update"] = "skip-check-update", ["--offline-scan"] = "offline-scan",
        ["--no-progress"] = "no-progress", ["--debug"] = "debug", ["-d"] = "debug",
        ["--list-all-pkgs"] = "list-all-pkgs", ["--dependency-tree"] = "dependency-tree",
    };

    public sealed record Parsed(string? Command, IReadOnlyList<string> Positionals, IReadOnlyDictionary<string, string> Flags);

    public static Parsed Parse(IReadOnlyList<string> args)
    {
        var flags = new Dictionary<string, string>();
        var positionals = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                positionals.Add(arg);
                continue;
            }
            var equals = arg.IndexOf('=');
            var flag = equals > 0 ? arg[..equals] : arg;
            var inlineValue = equals > 0 ? arg[(equals + 1)..] : null;
            if (ValueFlags.TryGetValue(flag, out var valueName))
            {
                var value = inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new DoubleUsageException($"flag needs an argument: {flag}"));
                flags[valueName] = value;
            }
            else if (BoolFlags.TryGetValue(flag, out var boolName))
                flags[boolName] = inlineValue ?? "true";
            else
                throw new DoubleUsageException($"unknown flag: {flag} (trivy-test-double implements only the flags the pipeline uses; if real Trivy accepts it, add it to tests/TrivyDouble/CommandLine.cs)");
        }
        var command = positionals.Count > 0 ? positionals[0] : null;
        return new Parsed(command, positionals.Skip(1).ToList(), flags);
    }
}
