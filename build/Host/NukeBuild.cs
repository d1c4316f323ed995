using System.Linq.Expressions;

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
    /// <summary>On CI (a CI host, or CI=true).</summary>
    public static bool IsServerBuild { get; internal set; } = Host != HostKind.Terminal || Environment.GetEnvironmentVariable("CI") == "true";
    public static bool IsLocalBuild => !IsServerBuild;

    [Parameter("Targets to run (positional names do the same). Default is the build's default target")] public string[]? Target;
    [Parameter("Targets to skip. Alone, skips every target that was not invoked")] public string[]? Skip;
    [Parameter("Print the execution plan in order with each target's reason to run, and run nothing")] public bool Plan;
    [Parameter("Show targets and parameters")] public bool Help;
    [Parameter("Re-run only what did not succeed in the last run of the same invocation")] public bool Continue;
    [Parameter("Root directory (the folder holding .nuke/). Default is found walking up from the working directory")] public string? Root;
    [Parameter("Logging verbosity. Default is 'Normal'")] public Verbosity Verbosity = Verbosity.Normal;
    [Parameter("Do not print the logo line")] public bool NoLogo;
    [Parameter("Profiles to load: .nuke/parameters.<name>.json, the last one wins")] public string[]? Profile;
    [Parameter("Host for execution. Default is detected (GitHubActions when GITHUB_ACTIONS=true)", Name = "Host")] public HostKind? HostOverride;

    /// <summary>
    /// Where the run's full log goes (every tool line, timestamped, secrets masked); named in the first line of a run.
    /// Read once parameters are bound, so it may depend on them.
    /// </summary>
    protected virtual AbsolutePath LogFile => TemporaryDirectory / "build.log";

    internal AbsolutePath LogFilePath => LogFile;

    /// <summary>Adds <c>// key: value</c> notes to the current target's row in the summary table.</summary>
    protected void ReportSummary(Func<IDictionary<string, string>, IDictionary<string, string>> configure)
    {
        if (_currentTarget is not null) configure(_currentTarget.SummaryNotes);
    }

    internal IReadOnlySet<string> GivenParameters { get; set; } = new HashSet<string>();

    /// <summary>The targets as declared for this run (set once parameters are bound, before the up-front checks).</summary>
    protected IReadOnlyList<TargetDeclaration> Declarations { get; private set; } = [];

    internal void Declare(IEnumerable<ExecutableTarget> targets) => Declarations = targets.Select(TargetDeclaration.From).ToList();

    /// <summary>The targets that declare they read <paramref name="parameter"/> (<c>.Reads</c> or <c>.Requires</c>), in declaration order.</summary>
    protected IReadOnlyList<string> ReadersOf(Expression<Func<object?>> parameter) =>
        Declarations.Where(t => t.Reads.Contains(MemberName(parameter))).Select(t => t.Name).ToList();

    /// <summary>Every file a target consumes from another (<c>.Consumes</c>), for the up-front check that it is there.</summary>
    protected IEnumerable<DeclaredInput> DeclaredInputs => Declarations.SelectMany(t => t.Consumes);

    /// <summary>
    /// Whether the parameter was given by any source (command line, environment, parameters file) rather than left
    /// at its initializer; e.g. to tell "--registry not given" from "--registry given and different".
    /// </summary>
    protected bool IsGiven(string parameterName) => GivenParameters.Contains(parameterName);

    /// <summary>
    /// Checks made after the plan is known and before any target runs: every bad input the run would otherwise find
    /// hours later. Each problem is one line naming the flag and the fix; any problem stops the run with exit 2.
    /// <paramref name="runningTargets"/> are the names of the targets that will run.
    /// </summary>
    protected virtual IReadOnlyList<string> CheckBeforeRunning(IReadOnlyCollection<string> runningTargets) => [];

    /// <summary>
    /// The up-front checks --plan makes: those of <see cref="CheckBeforeRunning"/> that need no network (flags, files, keys),
    /// so the plan shows what the run would refuse; any problem makes --plan exit 2 as the run would.
    /// </summary>
    protected virtual IReadOnlyList<string> CheckBeforePlanning(IReadOnlyCollection<string> plannedTargets) => [];

    /// <summary>
    /// Called once the up-front checks passed, just before the first target runs (NUKE's <c>OnBuildInitialized</c>):
    /// never for --help, --plan or a refused run, so what it resets is only reset by a run that goes ahead.
    /// </summary>
    protected virtual void OnBuildInitialized() { }

    /// <summary>
    /// Lines --plan prints after the plan: what the planned targets would decide (tags, cache refs, …), computed
    /// without running anything. <paramref name="plannedTargets"/> are the names of the targets that would run.
    /// </summary>
    protected virtual IEnumerable<string> DescribePlannedDecisions(IReadOnlyCollection<string> plannedTargets) => [];

    /// <summary>
    /// Called once after the targets ran, whether they succeeded or not (as NUKE's OnBuildFinished): releases what the
    /// build started for this run (e.g. a staging registry). It must not throw.
    /// </summary>
    protected virtual void OnBuildFinished() { }

    public static int Execute<T>(params Expression<Func<T, Target>>[] defaultTargets) where T : NukeBuild, new() =>
        Execute<T>(Environment.GetCommandLineArgs().Skip(1).ToArray(), defaultTargets);

    public static int Execute<T>(string[] args, params Expression<Func<T, Target>>[] defaultTargets) where T : NukeBuild, new() =>
        BuildExecutor.Run(new T(), args, defaultTargets.Select(MemberName).ToArray(), ReadEnvironment(), Console.Out, SinceProcessStart());

    /// <summary>The process's own start-up (runtime, assembly loading) counts toward the run's total.</summary>
    static TimeSpan SinceProcessStart()
    {
        try { return DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime; }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception) { return TimeSpan.Zero; }
    }

    internal void SetCurrentTarget(ExecutableTarget? target) => _currentTarget = target;

    internal void Finish() => OnBuildFinished();

    internal IReadOnlyList<string> PreflightProblems(IReadOnlyCollection<string> runningTargets) => CheckBeforeRunning(runningTargets);

    internal IReadOnlyList<string> PlanProblems(IReadOnlyCollection<string> plannedTargets) => CheckBeforePlanning(plannedTargets);

    internal void Initialized() => OnBuildInitialized();

    internal IEnumerable<string> PlannedDecisions(IReadOnlyCollection<string> plannedTargets) => DescribePlannedDecisions(plannedTargets);

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

}
