namespace Pipeline.Host.Tooling;

/// <summary>
/// Where a tool comes from: `&lt;TOOL&gt;_EXE`, else PATH, else the tool's official container image pinned by digest,
/// run with docker. Paths are mounted at the same absolute path inside the container so arguments stay unchanged.
/// </summary>
public sealed record ToolLocation(string Tool, string? Executable, string? DockerExecutable, string Image)
{
    public bool IsContainer => Executable is null;

    public static ToolLocation Resolve(string tool, string image, string installHint, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var local = ToolResolver.TryResolve(tool, environment);
        if (local is not null) return new ToolLocation(tool, local, null, image);
        var docker = ToolResolver.TryResolve("docker", environment)
            ?? throw new ToolNotFoundException($"Tool '{tool}' was not found ({ToolResolver.EnvironmentVariableFor(tool)} unset, not on PATH) and docker is not available to run {image}; {installHint}");
        return new ToolLocation(tool, null, docker, image);
    }

    /// <summary>Runs the tool (itself or in its container) with an argument list; secrets travel in <paramref name="environment"/>.</summary>
    public async Task<ToolResult> RunAsync(IReadOnlyList<string> arguments, IEnumerable<string> hostPaths, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null, bool logOutput = true, CancellationToken cancellationToken = default,
        ToolProgress? progress = null)
    {
        var command = Command(arguments, hostPaths, workingDirectory, environment);
        progress ??= IsContainer ? new ToolProgress(ToolRunner.DefaultLabel(Tool, arguments), () => new LastLineShaper()) : null;
        var result = await ToolRunner.RunAsync(command.Executable, command.Arguments, workingDirectory, command.Environment, logOutput,
            cancellationToken: cancellationToken, progress: progress);
        if (IsContainer && result.ExitCode == DockerRunFailed) throw new ToolNotFoundException(ContainerFailed(result.StandardError));
        return result;
    }

    /// <summary>`docker run`'s own exit code when the container could not start (image not pullable, daemon error), never the tool's.</summary>
    public const int DockerRunFailed = 125;

    /// <summary>Pure: the one line for a fallback container that could not run — the tool is missing, not misbehaving.</summary>
    public string ContainerFailed(string dockerError) =>
        $"Tool '{Tool}' is not installed ({ToolResolver.EnvironmentVariableFor(Tool)} unset, not on PATH) and its container image {Image} could not be run " +
        $"({DockerReason(dockerError)}); install {Tool} or set {ToolResolver.EnvironmentVariableFor(Tool)} to its path.";

    // docker ends with "See 'docker run --help'."; the reason is its "docker: Error response from daemon: ..." line.
    public static string DockerReason(string dockerError) =>
        dockerError.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("docker: ", StringComparison.Ordinal))?["docker: ".Length..]
        ?? ToolOutput.LastLine(dockerError);

    /// <summary>
    /// The command to run. For the container fallback: `docker run --rm --network host -v d:d ... -w cwd -e NAME image args`;
    /// environment values travel by name (`-e NAME`), never on the command line.
    /// </summary>
    public ToolCommand Command(IReadOnlyList<string> arguments, IEnumerable<string> hostPaths, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        environment ??= new Dictionary<string, string?>();
        if (!IsContainer) return new ToolCommand(Executable!, arguments, environment);
        var docker = new List<string> { "run", "--rm", "--network", "host" };
        var directories = hostPaths
            .Select(p => Directory.Exists(p) ? Path.GetFullPath(p) : Path.GetDirectoryName(Path.GetFullPath(p))!)
            .Append(Path.GetFullPath(workingDirectory))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        // Mount only the outermost directories; nested ones are already visible.
        foreach (var directory in directories.Where(d => !directories.Any(o => o != d && d.StartsWith(o.TrimEnd('/') + "/", StringComparison.Ordinal))))
            docker.AddRange(["-v", $"{directory}:{directory}"]);
        docker.AddRange(["-w", Path.GetFullPath(workingDirectory)]);
        foreach (var name in environment.Keys.Order(StringComparer.Ordinal)) docker.AddRange(["-e", name]);
        docker.Add(Image);
        docker.AddRange(arguments);
        return new ToolCommand(DockerExecutable!, docker, environment);
    }
}
