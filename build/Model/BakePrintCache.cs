using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Model;

/// <summary>
/// The static bake file's <c>--print</c>, kept between runs (each print starts the docker CLI and its buildx plugin:
/// about half a second). Kept only under a key that changes with everything the print depends on
/// (<see cref="Key"/>), and only after a run in which buildx's own merge of that print with the override agreed
/// with <see cref="BakeMerge"/> — so a cached run checks the guard against what buildx would print.
/// </summary>
public static partial class BakePrintCache
{
    /// <summary>Bumped when what is stored or how the key is made changes.</summary>
    const string Format = "bake-print-cache/1";
    const int KeptEntries = 32;

    /// <summary>
    /// The key: every bake file (path and bytes) and the <c>.env</c> beside the first, the targets printed, every
    /// environment variable the files could interpolate (any variable whose name occurs in them as a word: a superset
    /// of their <c>variable</c> blocks and compose <c>${VAR}</c>s) or buildx and docker read (BUILDX_*, BAKE_*,
    /// DOCKER_*, BUILDKIT_*, COMPOSE_*), the identity of the docker CLI and buildx plugin binaries (their version,
    /// without starting them) and the machine's architecture (bake's BAKE_LOCAL_PLATFORM).
    /// </summary>
    public static string Key(IReadOnlyList<(string Path, byte[] Content)> files, byte[]? dotEnv, IReadOnlyList<string> targets,
        IReadOnlyDictionary<string, string?> environment, string toolIdentity, string architecture)
    {
        var words = files.SelectMany(f => Word().Matches(Encoding.UTF8.GetString(f.Content)).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        var text = new StringBuilder().AppendLine(Format).AppendLine(architecture).AppendLine(toolIdentity);
        foreach (var (path, content) in files) text.AppendLine($"file {path} {Convert.ToHexStringLower(SHA256.HashData(content))}");
        text.AppendLine($".env {(dotEnv is null ? "-" : Convert.ToHexStringLower(SHA256.HashData(dotEnv)))}");
        foreach (var target in targets) text.AppendLine($"target {target}");
        foreach (var (name, value) in environment.Where(e => e.Value is not null && (words.Contains(e.Key) || ReadByTools(e.Key))).OrderBy(e => e.Key, StringComparer.Ordinal))
            text.AppendLine($"env {name}={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value!)))}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    static bool ReadByTools(string name) =>
        new[] { "BUILDX_", "BAKE_", "DOCKER_", "BUILDKIT_", "COMPOSE_" }.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    [GeneratedRegex("[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Word();

    /// <summary>The stored print under this key, or null (none, or unreadable: then bake is asked).</summary>
    public static string? TryRead(string directory, string key)
    {
        try { return File.ReadAllText(Path.Combine(directory, key + ".json")); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// Stores the print (readable by the owner only; complete or not at all, since parallel runs share the directory)
    /// and drops all but the newest entries. A print that holds a secret's value is never stored.
    /// </summary>
    public static bool Write(string directory, string key, string print, Func<string, bool> holdsSecret)
    {
        if (holdsSecret(print)) return false;
        Directory.CreateDirectory(directory);
        var partial = Path.Combine(directory, $"{key}.{Environment.ProcessId}.partial");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(partial, Encoding.UTF8, options)) writer.Write(print);
        File.Move(partial, Path.Combine(directory, key + ".json"), overwrite: true);
        foreach (var old in new DirectoryInfo(directory).GetFiles("*.json").OrderByDescending(f => f.LastWriteTimeUtc).Skip(KeptEntries))
        {
            try { old.Delete(); } catch (IOException) { } // another run's cleanup got there first
        }
        return true;
    }
}
