using System.Text;

namespace Pipeline.Model;

/// <summary>Everything one permutation's bake decides: the visible, testable outcome of the policies.</summary>
public sealed record PermutationBake(
    Permutation Permutation,
    IReadOnlyList<string> Platforms,
    IReadOnlyList<ImageTag> Tags,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> Annotations,
    CacheSettings Cache,
    BuildImages Images,
    string Archive,
    PermutationReuse? Reuse = null,
    ImageDestination? Destination = null)
{
    public string Id => Permutation.Id;

    /// <summary>This bake with one label set (added or replaced), and the annotations derived from the labels again.</summary>
    public PermutationBake WithLabel(string key, string value)
    {
        var labels = new SortedDictionary<string, string>(Labels.ToDictionary(), StringComparer.Ordinal) { [key] = value };
        return this with { Labels = labels, Annotations = OciMetadata.Annotations(labels) };
    }

    /// <summary>Where bake's exporter writes the image: a registry (<see cref="ImageOutput.Registry"/>), else the archive.</summary>
    public ImageDestination Output => Destination ?? ImageDestination.ArchiveAt(Archive);

    /// <summary>Decided once per run (<see cref="ReuseDecision"/>): the registry's image is kept instead of building.</summary>
    public bool IsReused => Reuse?.Reuses == true;

    /// <summary>The final stage's base image (null for FROM scratch): labels, manifest and provenance name it.</summary>
    public BaseImage? BaseImage => Images.Base;
}

/// <summary>
/// Where bake's exporter writes one image: an OCI archive, or a registry repository, untagged (push by digest) or
/// under a temporary tag (the docker driver); <see cref="Output"/> is the exporter as bake takes it.
/// </summary>
public sealed record ImageDestination(string? Repository, string? TemporaryTag, string Output)
{
    public static ImageDestination ArchiveAt(string archive) => new(null, null, ImageExport.Archive(StagedArchive.PartialPath(archive)));

    public static ImageDestination InRegistry(BuilderDriver driver, string repository, string temporaryTag) => driver == BuilderDriver.Container
        ? new(repository, null, ImageExport.Registry(driver, repository, temporaryTag))
        : new(repository, temporaryTag, ImageExport.Registry(driver, repository, temporaryTag));

    /// <summary>For --plan, before the builder's driver is known: untagged in <paramref name="repository"/>, one way or the other.</summary>
    public static ImageDestination Planned(string repository) => new(repository, null, "");

    public string Describe() => Repository is null ? Output
        : Output.Length == 0 ? $"{Repository} (untagged: by digest, or under a temporary tag on the docker driver)"
        : TemporaryTag is null ? $"{Repository} (pushed by digest, untagged)" : $"{Repository}:{TemporaryTag} (temporary tag)";
}

/// <summary>The whole run's bake decisions; logged at Bake start and written to artifacts/bake-plan.txt.</summary>
public sealed record BakePlan(BuildContext Context, string ImageRepository, CacheMode CacheMode, IReadOnlyList<PermutationBake> Permutations)
{
    public string Render(bool withBaseImages = true)
    {
        var text = new StringBuilder();
        text.AppendLine($"context: {Context.Describe()}");
        text.AppendLine($"image repository: {ImageRepository}   cache: {CacheMode}   SOURCE_DATE_EPOCH={Context.SourceDateEpoch}");
        foreach (var p in Permutations)
        {
            text.AppendLine($"{p.Id}:");
            text.AppendLine($"  platforms: {string.Join(", ", p.Platforms)}");
            if (withBaseImages)
            {
                text.AppendLine($"  base: {(p.BaseImage is null ? "none (FROM scratch)" : p.BaseImage.Pinned)}");
                foreach (var image in p.Images.External) text.AppendLine($"  uses: {image.Pinned} ({image.Use})");
            }
            text.AppendLine(p.Output.Repository is null ? $"  archive: {p.Archive}" : $"  image: {p.Output.Describe()}");
            text.AppendLine(p.Tags.Count == 0 ? "  tags: none (this build pushes no tags)" : "  tags:");
            foreach (var tag in p.Tags) text.AppendLine($"    {tag}");
            text.AppendLine(p.Cache.From.Count == 0 ? "  cache-from: none" : "  cache-from:");
            foreach (var from in p.Cache.From) text.AppendLine($"    {from}");
            text.AppendLine(p.Cache.To.Count == 0 ? "  cache-to: none" : "  cache-to:");
            foreach (var to in p.Cache.To) text.AppendLine($"    {to}");
            // Only cache main's workflow signed is imported (CachePolicy.Trust.cs): what the check found, or that it will run.
            if (p.Cache.Trust is not null) text.AppendLine($"  main cache: {p.Cache.Trust}");
            else if (p.Cache.MainRead is not null) text.AppendLine("  main cache: imported by digest only once main's signature on it verifies");
            if (p.Cache.MainWrite is not null) text.AppendLine("  main cache export: signed by its digest after the build");
        }
        return text.ToString();
    }
}

/// <summary>Derives the <see cref="BakePlan"/> from the context and parameters; pure.</summary>
public static class BakePlanner
{
    public static BakePlan Plan(
        BuildContext context,
        IReadOnlyList<Permutation> permutations,
        IReadOnlyList<string>? platformsOverride,
        string imageRepository,
        string imageName,
        CacheMode cacheMode,
        IReadOnlyDictionary<string, BuildImages> images,
        string imagesDirectory,
        string localCacheDirectory)
    {
        if (permutations.Count == 0) throw new ArgumentException("No permutations selected; pass --permutations with at least one id (see --help).");
        foreach (var platform in platformsOverride ?? [])
            if (platform.Split('/') is not ([_, _] or [_, _, _]) || platform.Any(char.IsWhiteSpace))
                throw new ArgumentException($"Platform '{platform}' is not os/arch[/variant]; pass e.g. --platforms linux/amd64 linux/arm64.");
        var entries = permutations.Select(p =>
        {
            var used = images.TryGetValue(p.Id, out var b) ? b
                : throw new ArgumentException($"No resolved images for {p.Id}; Bake resolves them from its Dockerfile.");
            var labels = OciMetadata.Labels(context, imageName, p, used.Base);
            var platforms = platformsOverride is { Count: > 0 } ? platformsOverride : p.Platforms;
            return new PermutationBake(
                p,
                platforms,
                TagPolicy.TagsFor(context, imageRepository, p.Id),
                labels,
                OciMetadata.Annotations(labels),
                CachePolicy.For(context, cacheMode, imageRepository, p.Id, localCacheDirectory, CachePolicy.CachePlatform(platforms, p.Platforms)),
                used,
                ArtifactLayout.ArchiveIn(imagesDirectory, p.Id));
        }).ToList();
        return new BakePlan(context, imageRepository, cacheMode, entries);
    }
}
