using Xunit;

namespace BuildTests.Bake;

/// <summary>Where Bake pushes images and with which exporter (buildx's documented image exporter options), per driver and mode.</summary>
public class ImageStagingTests
{
    const string Remote = "ghcr.io/acme/devcontainer";
    const string Loopback = "127.0.0.1:5000/team/devcontainer";

    [Fact]
    public void A_pull_request_never_pushes_to_the_image_repository_even_on_this_machine()
    {
        Assert.Equal(StagingKind.StartedRegistry, ImageStaging.Decide(BuildMode.PullRequest, false, true, Remote, null).Kind);
        Assert.Equal(StagingKind.StartedRegistry, ImageStaging.Decide(BuildMode.PullRequest, false, true, Loopback, null).Kind);
        var given = ImageStaging.Decide(BuildMode.PullRequest, false, true, Remote, "127.0.0.1:5000/pr");
        Assert.Equal(StagingKind.StagingRegistry, given.Kind);
        Assert.Equal("127.0.0.1:5000/pr/devcontainer", ImageStaging.StagingRepository(given.Kind, Remote, "devcontainer", "127.0.0.1:5000/pr"));
    }

    [Fact]
    public void Images_go_to_the_image_repository_when_it_is_local_published_now_or_by_a_later_job()
    {
        Assert.Equal(StagingKind.ImageRepository, ImageStaging.Decide(BuildMode.Local, false, false, Loopback, null).Kind);
        Assert.Equal(StagingKind.ImageRepository, ImageStaging.Decide(BuildMode.Local, true, false, Remote, null).Kind);
        Assert.Equal(StagingKind.ImageRepository, ImageStaging.Decide(BuildMode.DefaultBranch, false, true, Remote, null).Kind); // a CI build job
        Assert.Equal(Remote, ImageStaging.StagingRepository(StagingKind.ImageRepository, Remote, "devcontainer", null));
    }

    [Fact]
    public void A_loopback_registry_that_does_not_answer_is_replaced_by_a_started_one_when_nothing_is_published()
    {
        // The default --registry 127.0.0.1:5000/... on a laptop with no registry there: `./build.sh` still works.
        Assert.True(ImageStaging.AsksWhetherLoopbackAnswers(BuildMode.Local, false, false, Loopback));
        var staging = ImageStaging.Decide(BuildMode.Local, false, false, Loopback, null, loopbackAnswers: false);
        Assert.Equal(StagingKind.StartedRegistry, staging.Kind);
        Assert.Contains("no registry answers at 127.0.0.1:5000", staging.Reason);
        // Publishing there, or a CI job, asks nothing: the registry must answer (the up-front check says so if not).
        Assert.False(ImageStaging.AsksWhetherLoopbackAnswers(BuildMode.Local, true, false, Loopback));
        Assert.False(ImageStaging.AsksWhetherLoopbackAnswers(BuildMode.DefaultBranch, false, true, Loopback));
        Assert.False(ImageStaging.AsksWhetherLoopbackAnswers(BuildMode.Local, false, false, Remote));
        Assert.Equal(StagingKind.ImageRepository, ImageStaging.Decide(BuildMode.Local, true, false, Loopback, null, loopbackAnswers: null).Kind);
    }

    [Fact]
    public void A_run_that_publishes_nothing_to_a_remote_registry_stages_locally()
    {
        var staging = ImageStaging.Decide(BuildMode.DefaultBranch, false, false, Remote, null);
        Assert.Equal(StagingKind.StartedRegistry, staging.Kind);
        Assert.Contains("nothing is published to ghcr.io/acme/devcontainer", staging.Reason);
        Assert.Equal(StagingKind.StagingRegistry, ImageStaging.Decide(BuildMode.Local, false, false, Remote, "127.0.0.1:5000").Kind);
    }

    [Fact]
    public void The_docker_container_driver_pushes_by_digest_with_buildkits_own_exporter()
    {
        // What CI's setup-buildx builder runs: untagged, the canonical name in the metadata, OCI media types.
        Assert.Equal("type=image,name=ghcr.io/acme/devcontainer,push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true",
            ImageExport.Registry(BuilderDriver.Container, Remote, "unpublished-gcc14-clang20-arm64"));
        Assert.Equal("type=image,name=127.0.0.1:41234/team/devcontainer,push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true,registry.insecure=true",
            ImageExport.Registry(BuilderDriver.Container, "127.0.0.1:41234/team/devcontainer", "unpublished-gcc14-clang20-arm64"));
        var destination = ImageDestination.InRegistry(BuilderDriver.Container, Remote, "unpublished-x");
        Assert.Null(destination.TemporaryTag);
        Assert.Equal("ghcr.io/acme/devcontainer (pushed by digest, untagged)", destination.Describe());
    }

    [Fact]
    public void The_docker_driver_cannot_push_by_digest_so_it_pushes_under_a_temporary_tag()
    {
        Assert.Equal("type=image,name=127.0.0.1:5000/team/devcontainer:unpublished-gcc14-clang20,push=true,oci-mediatypes=true,registry.insecure=true",
            ImageExport.Registry(BuilderDriver.Docker, Loopback, TagPolicy.UnpublishedTag("gcc14-clang20", null)));
        Assert.Equal("unpublished-gcc14-clang20-arm64", TagPolicy.UnpublishedTag("gcc14-clang20", "linux/arm64"));
        Assert.Equal("unpublished-gcc14-clang20", ImageDestination.InRegistry(BuilderDriver.Docker, Loopback, "unpublished-gcc14-clang20").TemporaryTag);
        Assert.Equal("type=oci,dest=/a/images/x.tar.partial", ImageDestination.ArchiveAt("/a/images/x.tar").Output);
    }

    [Fact]
    public void The_driver_is_read_from_buildx_inspect()
    {
        // As `docker buildx inspect` prints it (buildx 0.13.1 here for the docker driver).
        Assert.Equal(BuilderDriver.Docker, ImageExport.ParseDriver("Name:          default\nDriver:        docker\nLast Activity: 2026-12-07 09:41:31 +0000 UTC\n"));
        Assert.Equal(BuilderDriver.Container, ImageExport.ParseDriver("Name:          builder-1\nDriver:        docker-container\n\nNodes:\n"));
        Assert.Equal(BuilderDriver.Container, ImageExport.ParseDriver("Name:   k8s\nDriver: kubernetes\n"));
        Assert.Contains("no 'Driver:' line", Assert.Throws<InvalidOperationException>(() => ImageExport.ParseDriver("ERROR: no builder \"x\" found")).Message);
        Assert.Equal(["buildx", "inspect", "--builder", "ci"], DockerBuildx.InspectArguments("ci"));
        Assert.Equal(["buildx", "inspect"], DockerBuildx.InspectArguments(null));
    }

    [Fact]
    public void The_staging_registry_the_build_starts_is_the_pinned_registry_image_on_a_free_loopback_port()
    {
        Assert.Matches("^docker\\.io/library/registry:2\\.8\\.3@sha256:[0-9a-f]{64}$", LocalRegistry.Image);
        Assert.Equal(["run", "--detach", "--rm", "--name", "devcontainer-pipeline-staging-0a1b", "--publish", "127.0.0.1::5000", "m.example/registry@sha256:ab"],
            LocalRegistry.RunArguments("devcontainer-pipeline-staging-0a1b", "m.example/registry@sha256:ab"));
        Assert.Equal(["port", "n", "5000/tcp"], LocalRegistry.PortArguments("n"));
        Assert.Equal(["rm", "--force", "--volumes", "n"], LocalRegistry.RemoveArguments("n"));
        Assert.Equal("127.0.0.1:49153", LocalRegistry.ParseAddress("127.0.0.1:49153\n"));
        Assert.Throws<InvalidOperationException>(() => LocalRegistry.ParseAddress("0.0.0.0:49153\n"));
    }
}
