using System.Text.Json;
using Pipeline.Host.Tooling;
using Serilog;

namespace Pipeline.Tools;

/// <summary>The static bake file's print: its JSON (merged with the override for the guard), parsed, and where it came from.</summary>
public sealed record StaticBakePrint(string Json, BakeDefinition Definition, string? CacheKey, bool FromCache);

/// <summary>
/// Everything the build asks <c>bake --print</c>: the static bake file's definition (the plan and the up-front check read
/// it) and what bake will build once the override is merged in (the cache-poisoning guard checks that). Each print starts
/// the docker CLI, its plugin-metadata call and the buildx plugin; measured on a cached Bake of the fixture the two prints
/// cost 0.18 CPU-seconds and two waits before the build (docs/performance.md). So the static print is kept between runs
/// (<see cref="BakePrintCache"/>, under a key of everything it depends on, <see cref="BinaryIdentity"/> for buildx), and
/// for a kept print the merge is computed in process (<see cref="BakeMerge"/>). A print is kept only after a run in which
/// buildx's own merged print agreed with that model, so the guard always checks what buildx would print.
/// </summary>
/// <param name="holdsSecret">Whether a print holds a secret's value (such a print is never kept).</param>
public sealed class BakePrinter(string bakeFile, IReadOnlyList<string> targets, string cacheDirectory, Func<string, bool> holdsSecret)
{
    /// <summary>The static bake file alone (no override), from the kept print when this bake file, environment and buildx were seen.</summary>
    public async Task<StaticBakePrint> StaticAsync(CancellationToken cancellationToken)
    {
        var key = CacheKey();
        if (key is not null && BakePrintCache.TryRead(cacheDirectory, key) is { } cached)
        {
            try { return new StaticBakePrint(cached, BakeDefinition.Parse(cached), key, FromCache: true); }
            catch (JsonException) { } // damaged: ask bake
        }
        var json = await DockerBuildx.PrintJsonAsync(new BakeSettings { Files = [bakeFile], Targets = targets }, cancellationToken);
        return new StaticBakePrint(json, BakeDefinition.Parse(json), key, FromCache: false);
    }

    /// <summary>
    /// What bake will build with <paramref name="overrideFile"/> (whose text is <paramref name="overrideJson"/>): merged in process
    /// for a kept print, else buildx's own merged print, which then decides whether the static print may be kept.
    /// </summary>
    public async Task<BakeDefinition> MergedAsync(StaticBakePrint print, string overrideFile, string overrideJson, IReadOnlyList<string> mergedTargets)
    {
        var computed = BakeDefinition.Parse(BakeMerge.Apply(print.Json, overrideJson));
        if (print.FromCache) return computed;
        var printed = await DockerBuildx.PrintAsync(new BakeSettings { Files = [bakeFile, overrideFile], Targets = mergedTargets });
        if (print.CacheKey is null) return printed;
        if (!BakeMerge.Agrees(computed, printed))
            Log.Warning("buildx merged the override into {BakeFile:l} differently from the pipeline's model of it; its print is not kept, every run asks buildx", bakeFile);
        else BakePrintCache.Write(cacheDirectory, print.CacheKey, print.Json, holdsSecret);
        return printed;
    }

    /// <summary>The key of the static print, or null when the buildx plugin cannot be found without starting docker (then nothing is kept).</summary>
    string? CacheKey()
    {
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value);
        if (BinaryIdentity(environment) is not { } tools) return null;
        var dotEnv = Path.Combine(Path.GetDirectoryName(bakeFile)!, ".env");
        return BakePrintCache.Key([(bakeFile, File.ReadAllBytes(bakeFile))], File.Exists(dotEnv) ? File.ReadAllBytes(dotEnv) : null, targets,
            environment, tools, System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString());
    }

    /// <summary>
    /// Which docker CLI and buildx plugin would run, without starting them: path, size and modification time of the
    /// CLI and of every <c>docker-buildx</c> in the directories the CLI searches for plugins (the config's
    /// cliPluginsExtraDirs, $DOCKER_CONFIG/cli-plugins or ~/.docker/cli-plugins, then the system directories). An
    /// upgrade of either changes it. Null when no plugin is found there (then nothing is kept).
    /// </summary>
    public static string? BinaryIdentity(IReadOnlyDictionary<string, string?> environment)
    {
        var configDirectory = environment.GetValueOrDefault("DOCKER_CONFIG") is { Length: > 0 } configured ? configured
            : Path.Combine(environment.GetValueOrDefault("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        var pluginDirectories = new List<string>();
        var configFile = Path.Combine(configDirectory, "config.json");
        try
        {
            if (File.Exists(configFile)
                && JsonDocument.Parse(File.ReadAllText(configFile)).RootElement is { ValueKind: JsonValueKind.Object } config
                && config.TryGetProperty("cliPluginsExtraDirs", out var extra) && extra.ValueKind == JsonValueKind.Array)
                pluginDirectories.AddRange(extra.EnumerateArray().Select(d => d.GetString() ?? ""));
        }
        catch (JsonException) { return null; } // the CLI will complain itself; do not guess
        pluginDirectories.Add(Path.Combine(configDirectory, "cli-plugins"));
        pluginDirectories.AddRange(["/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins", "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins"]);
        var plugins = pluginDirectories.Select(d => new FileInfo(Path.Combine(d, OperatingSystem.IsWindows() ? "docker-buildx.exe" : "docker-buildx")))
            .Where(f => f.Exists).Select(FinalTarget).ToList();
        if (plugins.Count == 0 || ToolResolver.TryResolve("docker", environment) is not { } docker) return null;
        return string.Join("\n", new[] { FinalTarget(new FileInfo(docker)) }.Concat(plugins).Select(f => $"{f.FullName} {f.Length} {f.LastWriteTimeUtc.Ticks}"));
    }

    static FileInfo FinalTarget(FileInfo file) => file.LinkTarget is null ? file : file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file;
}
