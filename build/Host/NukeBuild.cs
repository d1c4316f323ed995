using System.Linq.Expressions;
using System.Text.Json;
using Serilog;

namespace Pipeline.Host;

public enum HostKind { Terminal, GitHubActions }

/// <summary>
/// The base of the build class, as NUKE's <c>NukeBuild</c>: <c>Main() => Execute&lt;Build&gt;(x => x.Default)</c>.
/// Base parameters (--target, --skip, --plan, --help, …) are handled here.
/// </summary>
public abstract class NukeBuild
{
    private ExecutableTarget? _currentTarget;

    public static AbsolutePath RootDirectory { get; internal set; } = AbsolutePath.Create(Directory.GetCurrentDirectory());
    public static AbsolutePath TemporaryDirectory => RootDirectory / ".nuke" / "temp";
    public static HostKind Host { get; internal set; } = DetectHost(Environment.GetEnvironmentVariable);
    public static bool IsServerBuild => Host != HostKind.Terminal || Environment.GetEnvironmentVariable("CI") == "true";
    public static bool IsLocalBuild => !IsServerBuild;

    [Parameter("Targets to run; positional names do the same")] public string[]? Target;
    [Parameter("Targets to skip; alone, skips every target that was not invoked")] public string[]? Skip;
    [Parameter("Print the execution plan in order with each target's reason, and run nothing")] public bool Plan;
    [Parameter("Show targets and parameters")] public bool Help;
    [Parameter("Re-run only the targets that did not succeed in the last run of the same invocation")] public bool Continue;
    [Parameter("Root directory (the folder holding .nuke/)")] public string? Root;
    [Parameter("Logging verbosity")] public Verbosity Verbosity = Verbosity.Normal;
    [Parameter("Do not print the logo")] public bool NoLogo;
    [Parameter("Parameter profiles from .nuke/parameters.<name>.json, last wins")] public string[]? Profile;
    [Parameter("Host to run on", Name = "Host")] public HostKind? HostOverride;

    /// <summary>Adds <c>// key: value</c> notes to the current target's row in the summary table.</summary>
    protected void ReportSummary(Func<IDictionary<string, string>, IDictionary<string, string>> configure)
    {
        if (_currentTarget is not null) configure(_currentTarget.SummaryNotes);
    }

    /// <summary>Called after parameters are bound and before any target runs.</summary>
    protected virtual void OnBuildInitialized() { }

    public static int Execute<T>(params Expression<Func<T, Target>>[] defaultTargets) where T : NukeBuild, new() =>
        Execute<T>(Environment.GetCommandLineArgs().Skip(1).ToArray(), defaultTargets);

    public static int Execute<T>(string[] args, params Expression<Func<T, Target>>[] defaultTargets) where T : NukeBuild, new() =>
        BuildExecutor.Run(new T(), args, defaultTargets.Select(MemberName).ToArray(), ReadEnvironment(), Console.Out);

    internal void SetCurrentTarget(ExecutableTarget? target) => _currentTarget = target;

    internal static HostKind DetectHost(Func<string, string?> env) =>
        env("GITHUB_ACTIONS") == "true" ? HostKind.GitHubActions : HostKind.Terminal;

    private static Dictionary<string, string> ReadEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");

    internal static string MemberName(LambdaExpression expression) => expression.Body switch
    {
        MemberExpression m => m.Member.Name,
        UnaryExpression { Operand: MemberExpression m } => m.Member.Name,
        _ => throw new BuildConfigurationException($"Expected a member access such as '() => Registry', got '{expression}'."),
    };

    internal static IReadOnlyDictionary<string, JsonElement> ReadParameterFile(string path)
    {
        if (!File.Exists(path)) return new Dictionary<string, JsonElement>();
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return doc.RootElement.EnumerateObject().Where(p => p.Name != "$schema").ToDictionary(p => p.Name, p => p.Value.Clone());
        }
        catch (JsonException e)
        {
            throw new BuildInputException($"{path} is not valid JSON ({e.Message}); fix the file or delete it.");
        }
    }

    internal static void LogInfo(string text) => Log.Information("{Text:l}", text);
}
