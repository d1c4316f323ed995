namespace Pipeline.Rules;

/// <summary>
/// OCI labels (image config) and annotations (index and manifests) for one permutation, all derived from the
/// build context so two builds of the same commit carry the same values: <c>created</c> is the COMMIT time.
/// </summary>
public static class OciMetadata
{
    public const string Prefix = "org.opencontainers.image.";

    public static IReadOnlyDictionary<string, string> Labels(BuildContext context, string imageName, Permutation permutation, BaseImage? baseImage)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [Prefix + "title"] = $"{imageName} {permutation.Id}",
            [Prefix + "description"] = $"C++ devcontainer with GCC {permutation.Gcc} and Clang {permutation.Clang}",
            [Prefix + "revision"] = context.Sha,
            [Prefix + "created"] = context.CommitTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            [Prefix + "version"] = VersionOf(context),
        };
        // FROM scratch has no base to name.
        if (baseImage is not null)
        {
            labels[Prefix + "base.name"] = baseImage.Name;
            labels[Prefix + "base.digest"] = baseImage.Digest;
        }
        if (context.SourceUrl.Length > 0) labels[Prefix + "source"] = context.SourceUrl;
        return labels;
    }

    /// <summary>
    /// The same keys as annotations on the image index and on each platform manifest (bake's <c>index:</c> /
    /// <c>manifest:</c> forms). Every archive is an index, one platform included (<see cref="BakeOverride"/> sets
    /// BUILDKIT_MULTI_PLATFORM), so the index always exists to carry them.
    /// </summary>
    public static IReadOnlyList<string> Annotations(IReadOnlyDictionary<string, string> labels) =>
        new[] { "index", "manifest" }
            .SelectMany(level => labels.Select(l => $"{level}:{l.Key}={l.Value}")).ToList();

    /// <summary>Like docker/metadata-action: the release version, else pr-N, else the branch, else local.</summary>
    public static string VersionOf(BuildContext context) => context.Mode switch
    {
        BuildMode.ReleaseTag => context.Version!,
        BuildMode.PullRequest => $"pr-{context.PullRequestNumber}",
        BuildMode.DefaultBranch => context.Ref.StartsWith("refs/heads/", StringComparison.Ordinal) ? context.Ref["refs/heads/".Length..] : context.Ref,
        _ => "local",
    };
}
