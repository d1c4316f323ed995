namespace Pipeline.Rules;

/// <summary>
/// What kind of BuildKit the builder runs, which decides how an image reaches a registry untagged: BuildKit's own
/// <c>push-by-digest</c> (docker-container, kubernetes, remote: what CI's setup-buildx starts), or, on the docker driver
/// (Docker Engine's built-in BuildKit, which answers "push-by-digest is currently not implemented for docker driver"),
/// a push under a temporary tag.
/// </summary>
public enum BuilderDriver { Docker, Container }

/// <summary>Where Bake writes the images it builds.</summary>
public enum StagingKind
{
    /// <summary>The image repository itself (--registry/--image-name), untagged until Publish tags it.</summary>
    ImageRepository,
    /// <summary>A registry the run was given for that (--staging-registry), because it may not or need not push to --registry.</summary>
    StagingRegistry,
    /// <summary>A registry the build starts on a loopback port for this run and removes when the run ends.</summary>
    StartedRegistry,
}

/// <summary>Where this run's images go and why (logged with the bake plan).</summary>
public sealed record ImageStaging(StagingKind Kind, string Reason)
{
    /// <summary>
    /// Pure. A pull request never writes to --registry (its token is read-only): a staging registry. Otherwise images go
    /// to the image repository when this run publishes them (Publish runs), when it is on this machine (loopback) and
    /// answers (the default 127.0.0.1:5000 on a laptop with no registry there: staged locally instead), or
    /// when a later job of the same workflow does (<paramref name="laterJobPublishes"/>: a per-platform job, or any CI
    /// build job of a push: the merge and publish jobs read them there); a run that publishes nothing to a remote registry
    /// (`./build.sh` on a laptop) stages them locally instead.
    /// </summary>
    /// <param name="loopbackAnswers">Whether a loopback image repository's registry answers; asked only when it decides (null: not asked).</param>
    public static ImageStaging Decide(BuildMode mode, bool publishesInThisRun, bool laterJobPublishes, string imageRepository, string? stagingRegistry,
        bool? loopbackAnswers = true)
    {
        ImageStaging Local(string why) => stagingRegistry is { Length: > 0 }
            ? new(StagingKind.StagingRegistry, $"{why}: staged in --staging-registry {stagingRegistry}")
            : new(StagingKind.StartedRegistry, $"{why}: staged in a registry this run starts on a loopback port and removes at its end");
        if (mode == BuildMode.PullRequest) return Local("a pull request pushes nothing to " + imageRepository);
        if (publishesInThisRun) return new(StagingKind.ImageRepository, $"Publish runs: pushed to {imageRepository}, untagged until it is signed and tagged");
        if (laterJobPublishes) return new(StagingKind.ImageRepository, $"a CI build job: pushed to {imageRepository} untagged for the merge and publish jobs");
        if (RegistryHost.IsLoopback(imageRepository))
            return loopbackAnswers != false
                ? new(StagingKind.ImageRepository, $"{imageRepository} is on this machine: pushed there, untagged until Publish tags it")
                : Local($"nothing is published and no registry answers at {RegistryHost.Of(imageRepository)}");
        return Local($"nothing is published to {imageRepository} in this run");
    }

    /// <summary>Whether <see cref="Decide"/> needs to know if the loopback image repository's registry answers.</summary>
    public static bool AsksWhetherLoopbackAnswers(BuildMode mode, bool publishesInThisRun, bool laterJobPublishes, string imageRepository) =>
        mode != BuildMode.PullRequest && !publishesInThisRun && !laterJobPublishes && RegistryHost.IsLoopback(imageRepository);

    /// <summary>The repository images are staged in: the image repository, or the image name under the staging registry.</summary>
    public static string StagingRepository(StagingKind kind, string imageRepository, string imageName, string? stagingRegistry) => kind switch
    {
        StagingKind.ImageRepository => imageRepository,
        _ => TagPolicy.Repository(stagingRegistry ?? throw new ArgumentException("a staging registry is needed"), imageName),
    };
}

/// <summary>
/// Pure: the bake output of one image (buildx CSV). A registry image is pushed by BuildKit itself, with OCI media
/// types (so index annotations survive, as in the archive) and <c>registry.insecure=true</c> for a loopback registry
/// (plain HTTP, as Docker treats it). Options as documented for buildx's image exporter
/// (docs.docker.com/build/exporters/image-registry: name, push, push-by-digest, name-canonical, registry.insecure, oci-mediatypes).
/// </summary>
public static class ImageExport
{
    /// <summary>
    /// The exporter that pushes <paramref name="repository"/>'s image: untagged by digest where the driver implements it,
    /// else under <paramref name="temporaryTag"/> (which Retention removes: <see cref="TagPolicy.UnpublishedTag"/>).
    /// </summary>
    public static string Registry(BuilderDriver driver, string repository, string temporaryTag)
    {
        var insecure = RegistryHost.IsLoopback(repository) ? ",registry.insecure=true" : "";
        return driver == BuilderDriver.Container
            ? $"type=image,name={repository},push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true{insecure}"
            : $"type=image,name={repository}:{temporaryTag},push=true,oci-mediatypes=true{insecure}";
    }

    /// <summary>One OCI archive (an image index) written under its temporary name (<see cref="StagedArchive"/>).</summary>
    public static string Archive(string partialPath) => $"type=oci,dest={partialPath}";

    /// <summary>The driver `docker buildx inspect` reports ("Driver: docker"); every other driver runs a BuildKit of its own.</summary>
    public static BuilderDriver ParseDriver(string inspectOutput)
    {
        var line = inspectOutput.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Driver:", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"docker buildx inspect printed no 'Driver:' line ({inspectOutput.Split('\n')[0].Trim()}); check the builder (--builder).");
        return line["Driver:".Length..].Trim() == "docker" ? BuilderDriver.Docker : BuilderDriver.Container;
    }
}
