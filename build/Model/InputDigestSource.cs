using Pipeline.Host;

namespace Pipeline.Model;

/// <summary>
/// Reads one permutation's inputs from disk for <see cref="InputDigest"/>: the build context named by its bake target
/// (relative to the bake file's directory, filtered by the context's .dockerignore), its Dockerfile, its args, every
/// external image pinned to the digest the build will use, and the platforms it covers (<see cref="DigestPlatforms"/>).
/// </summary>
public static class InputDigestSource
{
    /// <param name="perPlatformJob">This run builds one platform of the permutation's per-platform build (--per-platform-job).</param>
    public static InputDigestInputs Read(string bakeDirectory, BakeTarget target, PermutationBake permutation, bool perPlatformJob = false)
    {
        var context = Path.GetFullPath(Path.Combine(bakeDirectory, target.Context));
        if (!Directory.Exists(context))
            throw new BuildInputException($"Target '{target.Name}' has context '{target.Context}', which is not a directory beside the bake file; input digests need a local context directory.");
        var dockerfile = Path.GetFullPath(Path.Combine(context, target.Dockerfile));
        if (!File.Exists(dockerfile))
            throw new BuildInputException($"Target '{target.Name}' names Dockerfile '{target.Dockerfile}', which does not exist in {context}; fix the bake file.");
        var ignoreFile = Path.Combine(context, ".dockerignore");
        var ignore = File.Exists(ignoreFile) ? DockerIgnore.Parse(File.ReadAllText(ignoreFile)) : DockerIgnore.None;
        return new InputDigestInputs(permutation.Id, target.Stage, Path.GetRelativePath(context, dockerfile), File.ReadAllBytes(dockerfile),
            Files(context, ignore), target.Args, permutation.Images.External.Select(i => i.Pinned).ToList(), DigestPlatforms(permutation, perPlatformJob));
    }

    /// <summary>
    /// The platforms a permutation's input digest covers: what this run builds, or for one platform job of a per-platform
    /// build the permutation's own, so all its jobs and the merged index carry one digest (a plain
    /// <c>--platforms linux/amd64</c> build makes an amd64-only image, whose digest differs).
    /// </summary>
    public static IReadOnlyList<string> DigestPlatforms(PermutationBake permutation, bool perPlatformJob) =>
        perPlatformJob ? permutation.Permutation.Platforms : permutation.Platforms;

    /// <summary>Every file docker would send as the context, by relative path (symbolic links by their target, as docker sends them).</summary>
    public static IReadOnlyList<ContextFile> Files(string context, DockerIgnore ignore)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        return Directory.EnumerateFiles(context, "*", options)
            .Select(path => (Path: path, Relative: InputDigest.Normalise(Path.GetRelativePath(context, path))))
            .Where(f => !ignore.Excludes(f.Relative))
            .Select(f => new FileInfo(f.Path) is { LinkTarget: { } link }
                ? new ContextFile(f.Relative, System.Text.Encoding.UTF8.GetBytes("symlink:" + link))
                : new ContextFile(f.Relative, File.ReadAllBytes(f.Path), IsExecutable(f.Path)))
            .ToList();
    }

    static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;
}
