using Pipeline.Host.Tooling;

namespace Pipeline.Tools;

/// <summary>Typed settings for one <c>docker buildx bake</c> invocation.</summary>
public sealed record BakeSettings
{
    public required IReadOnlyList<string> Files { get; init; }
    public IReadOnlyList<string> Targets { get; init; } = [];
    public string? MetadataFile { get; init; }
    public string? Builder { get; init; }
    /// <summary><c>--set target.key=value</c> overrides, e.g. <c>validate-x.platform=linux/arm64</c>.</summary>
    public IReadOnlyList<string> Sets { get; init; } = [];
    public bool Print { get; init; }
    /// <summary>What its console lines are called, e.g. "Validate linux/arm64"; default "Bake" and the targets.</summary>
    public string? Label { get; init; }
    public string Progress { get; init; } = "plain";

    /// <summary>The argument list after <c>docker</c>; never a shell string.</summary>
    public IReadOnlyList<string> ToArguments()
    {
        var args = new List<string> { "buildx", "bake" };
        if (Builder is { Length: > 0 }) args.AddRange(["--builder", Builder]);
        foreach (var file in Files) args.AddRange(["-f", file]);
        if (MetadataFile is not null) args.AddRange(["--metadata-file", MetadataFile]);
        foreach (var set in Sets) args.AddRange(["--set", set]);
        if (Print) args.Add("--print");
        else args.AddRange(["--progress", Progress]);
        args.AddRange(Targets);
        return args;
    }
}

/// <summary>The docker CLI, as far as the pipeline needs it: bake, bake --print, the builder's driver and whether the image store holds an image.</summary>
public static class DockerBuildx
{
    public const string InstallHint = "install Docker with the buildx plugin (or set DOCKER_EXE); for this repository's tests, `eval \"$(../shared/tools/container-toolchain env)\"` from the root (README, Developing).";

    public static string Docker => ToolResolver.Resolve("docker", InstallHint);

    /// <summary>Runs bake in the bake file's directory (where its relative contexts point); the console gets its steps (<see cref="BuildKitProgress"/>).</summary>
    public static Task<ToolResult> BakeAsync(BakeSettings settings, IReadOnlyDictionary<string, string?>? environment = null) =>
        ToolRunner.RunAsync(Docker, settings.ToArguments(), WorkingDirectoryOf(settings), environment,
            progress: new ToolProgress(settings.Label ?? BakeLabel(settings.Targets), () => new BuildKitProgress()));

    /// <summary>`docker buildx inspect [--builder name]`: the arguments that name the builder's driver.</summary>
    public static IReadOnlyList<string> InspectArguments(string? builder) =>
        builder is { Length: > 0 } ? ["buildx", "inspect", "--builder", builder] : ["buildx", "inspect"];

    /// <summary>The driver of the builder bake will use (docker: a temporary tag; any other: push by digest).</summary>
    public static async Task<BuilderDriver> DriverAsync(string? builder, CancellationToken cancellationToken = default)
    {
        var result = await ToolRunner.RunCheckedAsync(Docker, InspectArguments(builder), logOutput: false, cancellationToken: cancellationToken);
        return ImageExport.ParseDriver(result.StandardOutput);
    }

    /// <summary>"Bake gcc14-clang20", "Bake gcc14-clang20, gcc15-clang20", "Bake 4 targets".</summary>
    public static string BakeLabel(IReadOnlyList<string> targets) => "Bake " + (targets.Count <= 2 ? string.Join(", ", targets) : $"{targets.Count} targets");

    /// <summary>
    /// <c>bake --print</c>: the fully merged definition bake would build. Needs no daemon. <paramref name="environment"/>
    /// adds variables (bake reads its variables from the environment).
    /// </summary>
    public static async Task<BakeDefinition> PrintAsync(BakeSettings settings, CancellationToken cancellationToken = default,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var result = await ToolRunner.RunCheckedAsync(Docker, (settings with { Print = true, MetadataFile = null }).ToArguments(),
            WorkingDirectoryOf(settings), logOutput: false, cancellationToken: cancellationToken, environment: environment);
        return BakeDefinition.Parse(result.StandardOutput);
    }

    public static IReadOnlyList<string> ImageInspectArguments(string reference) => ["image", "inspect", "--format", "{{.Id}}", reference];

    /// <summary>Whether the docker image store holds the image (BuildKit's docker driver builds FROM it without a registry).</summary>
    public static async Task<bool> HasLocalImageAsync(string reference, CancellationToken cancellationToken = default) =>
        (await ToolRunner.RunAsync(Docker, ImageInspectArguments(reference), logOutput: false, cancellationToken: cancellationToken)).Succeeded;

    /// <summary>The print's JSON as buildx wrote it (<see cref="BakePrinter"/> keeps it).</summary>
    public static async Task<string> PrintJsonAsync(BakeSettings settings, CancellationToken cancellationToken = default) =>
        (await ToolRunner.RunCheckedAsync(Docker, (settings with { Print = true, MetadataFile = null }).ToArguments(),
            WorkingDirectoryOf(settings), logOutput: false, cancellationToken: cancellationToken)).StandardOutput;

    private static string WorkingDirectoryOf(BakeSettings settings) =>
        Path.GetDirectoryName(Path.GetFullPath(settings.Files[0]))!;
}
