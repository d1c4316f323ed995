using Xunit;

namespace BuildTests.Bake;

/// <summary>Issue 22, case 5: BuildKit's plain progress becomes one console line per step that took a while, and a heartbeat's activity.</summary>
public class BuildKitProgressTests
{
    // Lines as `docker buildx bake --progress plain` printed them for the fixture (two permutations, two platforms),
    // shortened where noted; BuildKit's blank lines are not logged.
    static readonly string[] FixtureBake =
    [
        "#0 building with \"default\" instance using docker driver",
        "#1 [internal] load local bake definitions",
        "#1 reading docker-bake.hcl 2.64kB / 2.64kB done",
        "#1 DONE 0.0s",
        "#9 [gcc15-clang20 linux/amd64 image 1/3] COPY compilers/ /opt/fixture/",
        "#9 CACHED",
        "#16 [gcc15-clang20 linux/arm64 image 2/3] RUN set -e;     test -n \"gcc15-clang20\" && test -n \"15\" && test -n \"20\";     reported_gcc=\"15\"",
        "#16 ...",
        "#17 [gcc14-clang20 linux/amd64 image 2/3] RUN set -e;     test -n \"gcc14-clang20\"",
        "#17 DONE 0.5s",
        "#16 [gcc15-clang20 linux/arm64 image 2/3] RUN set -e;     test -n \"gcc15-clang20\" && test -n \"15\" && test -n \"20\";     reported_gcc=\"15\"",
        "#16 DONE 1.0s",
        "#20 [gcc15-clang20] exporting to oci image format",
        "#20 exporting layers",
    ];

    static (BuildKitProgress Progress, List<string> Lines) Feed(IEnumerable<string> lines, Func<int, TimeSpan>? at = null)
    {
        var progress = new BuildKitProgress();
        var shown = new List<string>();
        var i = 0;
        foreach (var line in lines)
            if (progress.Shape(line, at?.Invoke(i++) ?? TimeSpan.FromSeconds(i++)) is { } step) shown.Add(step);
        return (progress, shown);
    }

    [Fact]
    public void Only_steps_that_took_a_second_or_more_get_a_line_with_BuildKit_s_own_time_and_whitespace_collapsed()
    {
        var (progress, shown) = Feed(FixtureBake);
        // Names are cut at 90 characters (the log file has them whole).
        Assert.Equal(["[gcc15-clang20 linux/arm64 image 2/3] RUN set -e; test -n \"gcc15-clang20\" && test -n \"15\"… 0:01"], shown);
        Assert.Equal("4 steps, 1 cached", progress.Summary);
    }

    [Fact]
    public void The_heartbeat_names_the_export_phase_that_runs_silently_and_since_when()
    {
        var (progress, _) = Feed(FixtureBake, i => TimeSpan.FromSeconds(i * 10));
        Assert.Equal(("[gcc15-clang20] exporting to oci image format: exporting layers", TimeSpan.FromSeconds(130)), progress.Current);
        // The phase ends after two minutes: its own line, then the step's.
        Assert.Equal("[gcc15-clang20] exporting to oci image format: exporting layers 2:02", progress.Shape("#20 exporting layers 122.1s done", TimeSpan.FromSeconds(260)));
        Assert.Null(progress.Shape("#20 exporting manifest sha256:2595faa9607ae30c4b494ebb696518a57471272c0a97b1f9ad90efed2a472535 done", TimeSpan.FromSeconds(261)));
        Assert.Equal("[gcc15-clang20] exporting to oci image format: sending tarball 0:39", progress.Shape("#20 sending tarball 39.2s done", TimeSpan.FromSeconds(300)));
        Assert.Equal("[gcc15-clang20] exporting to oci image format 2:41", progress.Shape("#20 DONE 161.5s", TimeSpan.FromSeconds(300)));
        Assert.Null(progress.Current);

        // A step that was one long phase needs no second line (the export of a cached image: sending the tarball).
        var send = new BuildKitProgress();
        send.Shape("#21 [gcc14-clang20] exporting to oci image format", TimeSpan.Zero);
        Assert.Equal("[gcc14-clang20] exporting to oci image format: sending tarball 0:11", send.Shape("#21 sending tarball 11.2s done", TimeSpan.FromSeconds(11)));
        Assert.Null(send.Shape("#21 DONE 11.6s", TimeSpan.FromSeconds(12)));
    }

    [Fact]
    public void A_running_step_s_last_output_shows_in_the_heartbeat_with_how_many_run_beside_it()
    {
        var (progress, _) = Feed([
            "#5 [base 2/2] RUN apt-get update  && apt-get install -y --no-install-recommends ca-certificates curl",
            "#6 [image 1/5] RUN install-gcc 14",
            "#5 12.31 Unpacking gcc-14 (14.2.0-4ubuntu2~24.04) ...",
        ], i => TimeSpan.FromSeconds(i));
        Assert.Equal(("[image 1/5] RUN install-gcc 14 (and 1 more)", TimeSpan.FromSeconds(1)), progress.Current);
        progress.Shape("#6 DONE 3.0s", TimeSpan.FromSeconds(4));
        Assert.Equal(("[base 2/2] RUN apt-get update && apt-get install -y --no-install-recommends ca-certificat…: Unpacking gcc-14 (14.2.0-4ubuntu2~24.04) ...",
            TimeSpan.Zero), progress.Current);
    }

    [Fact]
    public void A_failed_step_is_a_line_with_BuildKit_s_error()
    {
        // The Quick start on a machine that cannot reach docker.io (issue 22), as BuildKit printed it.
        var (_, shown) = Feed([
            "#6 [gcc14-clang20 linux/amd64 internal] load metadata for docker.io/library/ubuntu:24.04@sha256:c35e29c9450151419d9448b0fd75374fec4fff364a27f176fb458d472dfc9e54",
            "#6 ERROR: failed to do request: Head \"https://registry-1.docker.io/v2/library/ubuntu/manifests/sha256:c35e\": dial tcp: lookup registry-1.docker.io: no such host",
            "#7 [gcc14-clang20 linux/arm64 internal] load metadata for docker.io/library/ubuntu:24.04",
            "#7 CANCELED",
            "ERROR: failed to solve: docker.io/library/ubuntu:24.04: failed to resolve source metadata",
        ]);
        var line = Assert.Single(shown);
        Assert.StartsWith("[gcc14-clang20 linux/amd64 internal] load metadata for docker.io/library/ubuntu:24.04@sha… failed: ", line);
        Assert.EndsWith(" failed: failed to do request: Head \"https://registry-1.docker.io/v2/library/ubuntu/manifests/sha256:c35e\": dial tcp: lookup registry-1.docker.io: no such host", line);
    }

    [Fact]
    public void Lines_that_are_not_progress_are_ignored()
    {
        var progress = new BuildKitProgress();
        Assert.Null(progress.Shape("WARNING: something", TimeSpan.Zero));
        Assert.Null(progress.Current);
        Assert.Null(progress.Summary);
        Assert.Equal("Bake gcc14-clang20, gcc15-clang20", DockerBuildx.BakeLabel(["gcc14-clang20", "gcc15-clang20"]));
        Assert.Equal("Bake 4 targets", DockerBuildx.BakeLabel(Permutation.All.Select(p => p.BakeTarget).ToList()));
    }
}
