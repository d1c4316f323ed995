using System.Diagnostics;
using Integration.Tests.Harness;
using Integration.Tests.Publish;
using Xunit;

namespace Integration.Tests.RealImage;

[CollectionDefinition(Name)]
public sealed class RealImageCollection : ICollectionFixture<RealImageBuild>
{
    public const string Name = "real image";
}

/// <summary>
/// The real product, built once for every test of the "real image" collection: `Publish --permutations gcc14-clang20
/// --platforms linux/amd64` on the repository's own devcontainer/ and docker-bake.hcl, on the toolchain's Ubuntu
/// base (BASE_IMAGE), to a registry namespace of its own, signed with a key made here. Then the published image is
/// pulled once, and a devcontainer is started from it on first use. Everything is removed afterwards.
/// </summary>
public sealed class RealImageBuild : IAsyncLifetime
{
    public const string PermutationId = "gcc14-clang20";
    public const string Platform = "linux/amd64";
    public const string CosignPassword = "it-real-image-pw-4b1e";
    static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(45); // a cold build on 2 shared cores, apt cache cold

    readonly SemaphoreSlim _devcontainerLock = new(1, 1);
    DevcontainerSession? _devcontainer;
    bool _pulled;

    public TestRegistry Registry { get; } = new();
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("devcontainer-real-image-").FullName;
    public string ArtifactsDirectory => Path.Combine(WorkDirectory, "artifacts");
    public string KeyPath => Path.Combine(WorkDirectory, "cosign.key");
    public string PublicKeyPath => Path.Combine(WorkDirectory, "cosign.pub");
    public string ManifestPath => Path.Combine(ArtifactsDirectory, "manifest.json");
    public string LogPath => Path.Combine(WorkDirectory, "publish.log");
    public string HeadSha { get; private set; } = "";

    /// <summary>The publish run (null when the requirements are missing and nothing ran).</summary>
    public ProcessResult? Publish { get; private set; }
    public TimeSpan PublishDuration { get; private set; }

    /// <summary>What Publish recorded for the permutation (valid against the schema); throws when Publish failed.</summary>
    public ManifestPermutation Entry => RequirePublished().Permutations.Single();

    /// <summary>The published image by digest: what the tests run.</summary>
    public string ImageReference => Entry.DigestReference;

    public async Task InitializeAsync()
    {
        if (!RealImageRequirements.Verdict.Available) return; // each test skips or fails with the reason
        HeadSha = (await ProcessRunner.RunAsync("git", ["rev-parse", "HEAD"])).StandardOutput.Trim();
        var key = await ProcessRunner.RunAsync("cosign", ["generate-key-pair"], WorkDirectory,
            new Dictionary<string, string?> { ["COSIGN_PASSWORD"] = CosignPassword });
        if (!key.Succeeded) throw new InvalidOperationException("cosign generate-key-pair failed: " + key.Output);

        using var log = new FileOutput(LogPath);
        var build = new BuildRunner(log);
        foreach (var (name, value) in PublishTest.DefaultBranchEnvironment(HeadSha)) build.Environment[name] = value;
        build.Environment["BASE_IMAGE"] = RealImageRequirements.UbuntuBase;
        build.Environment["COSIGN_PASSWORD"] = CosignPassword;
        // The Trivy double does not read layers: its SBOM components come from a real Trivy SBOM the test names.
        build.Environment["TRIVY_TEST_DOUBLE_SBOM"] = RepoPaths.TrivySample("trivy-sbom-centos-7.cdx.json");
        var clock = Stopwatch.StartNew();
        // --cache none: the registry cache sits beside the image, in a namespace no later run reads, so exporting it
        // would only cost time and registry space; later runs reuse dockerd's BuildKit cache and the apt proxy's.
        Publish = await build.RunAsync(
            ["Publish", "--permutations", PermutationId, "--platforms", Platform, "--registry", Registry.Prefix,
             "--cache", "none", "--cosign-key", KeyPath, "--artifacts", ArtifactsDirectory, "--no-logo"], null, null, BuildTimeout);
        PublishDuration = clock.Elapsed;
    }

    /// <summary>The run's log in a test's output (the fixture has no output of its own).</summary>
    public string LogTail(int lines = 80) =>
        File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(lines)) : "(no log)";

    public ReleaseManifest RequirePublished()
    {
        RealImageRequirements.Require();
        if (Publish is not { Succeeded: true })
            throw new InvalidOperationException($"Publish of the real image failed (exit {Publish?.ExitCode}); last lines of {LogPath}:\n{LogTail()}");
        return ManifestStore.Read(ManifestPath, Permutation.All.Select(p => p.Id));
    }

    /// <summary>Pulls the published image into the toolchain's dockerd once (docker run and the devcontainer CLI use it).</summary>
    public async Task<string> PulledImageAsync()
    {
        var reference = ImageReference;
        await _devcontainerLock.WaitAsync();
        try
        {
            if (_pulled) return reference;
            var pull = await ProcessRunner.RunAsync("docker", ["pull", "--quiet", reference], timeout: TimeSpan.FromMinutes(15));
            if (!pull.Succeeded) throw new InvalidOperationException($"docker pull {reference} failed: {pull.Output}");
            _pulled = true;
            return reference;
        }
        finally { _devcontainerLock.Release(); }
    }

    /// <summary>One devcontainer for every CLI test, started with `devcontainer up` on first use.</summary>
    public async Task<DevcontainerSession> DevcontainerAsync()
    {
        var image = await PulledImageAsync();
        await _devcontainerLock.WaitAsync();
        try
        {
            return _devcontainer ??= await DevcontainerSession.UpAsync(image, Path.Combine(WorkDirectory, "workspace"),
                Path.Combine(WorkDirectory, "cli-tmp"));
        }
        finally { _devcontainerLock.Release(); }
    }

    public async Task DisposeAsync()
    {
        if (_devcontainer is not null) await _devcontainer.DisposeAsync();
        if (_pulled) await ProcessRunner.RunAsync("docker", ["image", "rm", ImageReference]);
        Registry.Dispose();
        if (System.Environment.GetEnvironmentVariable("KEEP_TEST_ARTIFACTS") == "1") return;
        try { Directory.Delete(WorkDirectory, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>A test output that appends to a file: the fixture's build log (a collection fixture has no test output).</summary>
sealed class FileOutput(string path) : Xunit.Abstractions.ITestOutputHelper, IDisposable
{
    readonly StreamWriter _writer = new(path) { AutoFlush = true };

    public void WriteLine(string message) { lock (_writer) _writer.WriteLine(message); }

    public void WriteLine(string format, params object[] args) => WriteLine(string.Format(format, args));

    public void Dispose() { lock (_writer) _writer.Dispose(); }
}
