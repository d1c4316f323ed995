using Pipeline.Host;
using Serilog;

/// <summary>
/// Where images live between the targets. By default in a registry, by digest (<see cref="ImageOutput.Registry"/>):
/// BuildKit pushes each image untagged, the targets after Bake read it there, Publish tags it there; an OCI archive
/// only with --image-output archive. This file decides where Bake pushes (<see cref="ImageStaging"/>), starts and
/// removes the staging registry a run may need, and tells Scan, Sbom and Manifest where each permutation's image is.
/// </summary>
partial class Build
{
    [Parameter("A running registry (host:port[/path], e.g. 127.0.0.1:5000) to stage images in when this run may not or need not push to --registry (a pull request; a run that publishes nothing to a remote registry); default: the build starts one on a loopback port and removes it when the run ends")]
    readonly string? StagingRegistry;

    [Parameter("The registry image a run starts as its staging registry, pinned by digest (e.g. a mirror where Docker Hub is out of reach); default: the distribution registry 2.8.3 from Docker Hub")]
    readonly string StagingRegistryImage = LocalRegistry.Image;

    /// <summary>The targets this run runs (set by the up-front checks): whether Publish follows Bake decides where images go.</summary>
    IReadOnlyCollection<string> _runningTargets = [];

    ImageStaging? _staging;

    /// <summary>Where this run's images go (asked once; a loopback --registry is probed only when that decides it).</summary>
    ImageStaging Staging => _staging ??= DecideStaging();

    ImageStaging DecideStaging()
    {
        // A per-platform job, or any build job in GitHub Actions, hands its images to later jobs of the workflow (merge, publish).
        var (publishes, later) = (_runningTargets.Contains(nameof(Publish)), PerPlatformJob || Host == HostKind.GitHubActions);
        var answers = ImageStaging.AsksWhetherLoopbackAnswers(Context.Mode, publishes, later, ImageRepository)
            ? LocalRegistry.AnswersAsync(RegistryHost.Of(ImageRepository)).GetAwaiter().GetResult() : (bool?)null;
        return ImageStaging.Decide(Context.Mode, publishes, later, ImageRepository, StagingRegistry, answers);
    }

    Task<LocalRegistry>? _startedRegistry;

    /// <summary>The repository Bake pushes this run's images to (starting the staging registry when one is needed); null for archives.</summary>
    async Task<string?> StagingRepositoryAsync()
    {
        if (ImageOutput == ImageOutput.Archive) return null;
        var staging = Staging;
        Log.Information("Images: {Reason:l}", staging.Reason);
        var registry = staging.Kind switch
        {
            StagingKind.StagingRegistry => StagingRegistry,
            StagingKind.StartedRegistry => (await (_startedRegistry ??= LocalRegistry.StartAsync(DockerBuildx.Docker, StagingRegistryImage, Guid.NewGuid().ToString("N")[..12]))).Address,
            _ => null,
        };
        return ImageStaging.StagingRepository(staging.Kind, ImageRepository, ImageName, registry);
    }

    /// <summary>A staging registry this run started goes with its end (its images were only ever staged there).</summary>
    protected override void OnBuildFinished()
    {
        if (_startedRegistry is { IsCompletedSuccessfully: true } started) started.Result.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Each permutation's exporter: its archive, or the staging repository (push by digest, or a temporary tag on the docker driver).</summary>
    async Task<BakePlan> WithDestinationsAsync(BakePlan plan)
    {
        if (await StagingRepositoryAsync() is not { } repository) return plan;
        var driver = await BuilderDriverAsync(); // read since the up-front checks
        return plan with
        {
            Permutations = plan.Permutations.Select(p => p with
            {
                Destination = ImageDestination.InRegistry(driver, repository, TagPolicy.UnpublishedTag(p.Id, CachePolicy.CachePlatform(p.Platforms, p.Permutation.Platforms))),
            }).ToList(),
        };
    }

    /// <summary>For --plan (no docker): where each image would go, the driver (and so a temporary tag or none) not yet known.</summary>
    BakePlan WithPlannedDestinations(BakePlan plan)
    {
        if (ImageOutput == ImageOutput.Archive) return plan;
        var repository = Staging.Kind == StagingKind.StartedRegistry ? $"127.0.0.1:<port>/{ImageName} (a registry the run starts)"
            : ImageStaging.StagingRepository(Staging.Kind, ImageRepository, ImageName, StagingRegistry);
        return plan with { Permutations = plan.Permutations.Select(p => p with { Destination = ImageDestination.Planned(repository) }).ToList() };
    }

    /// <summary>
    /// BuildKit pushed <paramref name="p"/>'s image: it is read back by digest (the registry must hold exactly those bytes),
    /// its index kept beside the record that names it, so Scan, Sbom and Manifest read it by digest and nothing is downloaded.
    /// </summary>
    async Task RecordPushedAsync(PermutationBake p, string digest)
    {
        var image = new PushedImage(PushedImage.CurrentSchemaVersion, p.Id, p.Platforms, p.Output.Repository!, digest, p.Output.TemporaryTag);
        var index = await ImageReader(image.Reference).RawManifest(image.Reference)
            ?? throw new InvalidOperationException($"BuildKit reported {image.Reference} for {p.Id}, but the registry does not have it; re-run Bake (check the builder can push to {image.Repository}).");
        if (ContentDigest.Sha256(System.Text.Encoding.UTF8.GetBytes(index)) != digest)
            throw new InvalidOperationException($"{image.Reference} ({p.Id}) reads back with another digest; the registry rewrote the index, use one that keeps manifests byte for byte.");
        Layout.Images.CreateDirectory();
        File.WriteAllText(Layout.ImageIndex(p.Permutation), index);
        PushedImageStore.Write(Layout.PushedImage(p.Permutation), image);
        Log.Information("Pushed {Id}: {Reference}{Tag:l} (untagged until Publish; nothing was downloaded)", p.Id, image.Reference,
            image.TemporaryTag is null ? "" : $" under the temporary tag {image.TemporaryTag}");
    }

    /// <summary>Where a permutation's image is for the targets after Bake: its archive, or an image in a registry (a copy of its index beside the record).</summary>
    sealed record ImageSource(string? Archive, PushedImage? Pushed, OciArchiveInfo Info)
    {
        /// <summary>A reused image whose verified SBOM and provenance attestations Bake kept: its layers are never read.</summary>
        public bool KeptEvidence => Pushed?.KeptEvidence == true;
    }

    ImageSource ImageOf(Permutation p)
    {
        if (Layout.Archive(p).FileExists()) return new(Layout.Archive(p), null, OciArchive.Read(Layout.Archive(p)));
        if (!Layout.PushedImage(p).FileExists())
            throw new InvalidOperationException($"{p.Id} has no image: neither {Layout.PushedImage(p)} (an image in a registry) nor {Layout.Archive(p)}; run Bake (or MergePlatforms) first.");
        var pushed = PushedImageStore.Read(Layout.PushedImage(p));
        var indexFile = Layout.ImageIndex(p);
        if (!indexFile.FileExists())
            throw new InvalidOperationException($"{p.Id}'s image {pushed.Reference} has no index copy at {indexFile}; re-run Bake (or MergePlatforms), which writes both.");
        var info = PublishedEvidence.DescribeIndex(File.ReadAllBytes(indexFile), indexFile);
        if (info.IndexDigest != pushed.Digest)
            throw new InvalidOperationException($"{indexFile} is {info.IndexDigest}, but {Layout.PushedImage(p)} names {pushed.Digest}; re-run Bake (or MergePlatforms), which writes both.");
        return new(null, pushed, info);
    }
}
