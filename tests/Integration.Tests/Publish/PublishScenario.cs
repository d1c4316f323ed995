using System.Diagnostics;
using Integration.Tests.Harness;
using Xunit;

namespace Integration.Tests.Publish;

/// <summary>
/// What the publish tests share: a cosign key pair made in the test's directory, the default-branch environment of a
/// GitHub Actions push (so the tag policy gives tags), the fixture bake file, and a structural snapshot of the registry.
/// </summary>
public abstract class PublishTest : IntegrationTest
{
    protected const string Password = "it-cosign-pw-7f3a9c";
    protected static readonly string[] TwoPermutations = ["gcc14-clang20", "gcc15-clang20"];

    protected PublishTest(Xunit.Abstractions.ITestOutputHelper output) : base(output)
    {
        KeyPath = Path.Combine(WorkDirectory, "cosign.key");
        PublicKeyPath = Path.Combine(WorkDirectory, "cosign.pub");
        var generated = ProcessRunner.RunAsync("cosign", ["generate-key-pair"], WorkDirectory, new Dictionary<string, string?> { ["COSIGN_PASSWORD"] = Password })
            .GetAwaiter().GetResult();
        Assert.True(generated.Succeeded && File.Exists(KeyPath), "cosign generate-key-pair failed: " + generated.Output);
        foreach (var (name, value) in DefaultBranchEnvironment(HeadSha)) Build.Environment[name] = value;
        Build.Environment["COSIGN_PASSWORD"] = Password;
        Build.Environment["FIXTURE_STAMP"] = Registry.Namespace;
        Build.Environment["TRIVY_TEST_DOUBLE_SBOM"] = RepoPaths.TrivySample("trivy-sbom-centos-7.cdx.json");
    }

    protected string KeyPath { get; }
    protected string PublicKeyPath { get; }
    protected string ManifestPath => Path.Combine(ArtifactsDirectory, "manifest.json");
    protected string Repository => Registry.Repository();
    protected static string HeadSha => Git("rev-parse", "HEAD");
    protected static string ParentSha => Git("rev-parse", "HEAD~1");

    internal static Dictionary<string, string?> DefaultBranchEnvironment(string sha) => new()
    {
        ["GITHUB_EVENT_NAME"] = "push", ["GITHUB_REF"] = "refs/heads/main", ["GITHUB_SHA"] = sha,
        ["GITHUB_SERVER_URL"] = "https://github.com", ["GITHUB_REPOSITORY"] = "acme/devcontainer-pipeline",
        ["CI"] = "true", // as on every GitHub Actions runner: a server build (every platform of each permutation)
    };

    /// <summary>The arguments of a pipeline run on the fixture into this test's registry namespace.</summary>
    protected string[] PipelineArguments(string target, params string[] extra) =>
    [
        target, "--bake-file", RepoPaths.FixtureBakeFile, "--registry", Registry.Prefix, "--cache", "none",
        "--cosign-key", KeyPath, "--permutations", .. TwoPermutations, "--no-logo", .. extra,
    ];

    protected ReleaseManifest ReadManifest(string? path = null) => ManifestStore.Read(path ?? ManifestPath, Permutation.All.Select(p => p.Id));

    protected Task<ProcessResult> CosignAsync(params string[] arguments) =>
        RunToolAsync("cosign", [.. arguments.Take(1), "--key", PublicKeyPath, "--insecure-ignore-tlog", "--allow-http-registry", "--allow-insecure-registry", .. arguments.Skip(1)]);

    /// <summary>Every tag of the test's repository and the digest it points at.</summary>
    protected async Task<SortedDictionary<string, string>> TagDigestsAsync()
    {
        var tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in await Registry.Client.TagsAsync(Registry.RepositoryPath()))
            tags[tag] = (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), tag))!.Digest;
        return tags;
    }

    /// <summary>
    /// The registry state a complete publish of <paramref name="manifest"/> must leave, independent of signature
    /// randomness: each tag named by what it is (image tags by the manifest digest they must hold, cosign tags of an
    /// index or of a platform manifest by how many signatures / attestations / SBOMs they carry). Temporary tags
    /// (unpublished-*, a docker driver's push) publish nothing and are left out.
    /// </summary>
    protected async Task<IReadOnlyList<string>> ShapeAsync(ReleaseManifest manifest)
    {
        var shape = new List<string>();
        var platforms = manifest.Permutations.SelectMany(p => p.Platforms.Select(x => (Prefix: x.Digest.Replace(':', '-'), Name: $"{p.Id} {x.Platform}"))).ToList();
        foreach (var (tag, digest) in await TagDigestsAsync())
        {
            if (tag.StartsWith(TagPolicy.UnpublishedPrefix, StringComparison.Ordinal)) continue;
            var owner = manifest.Permutations.Where(p => tag.StartsWith(p.Digest.Replace(':', '-'), StringComparison.Ordinal)).Select(p => (Prefix: p.Digest.Replace(':', '-'), Name: p.Id))
                .Concat(platforms.Where(x => tag.StartsWith(x.Prefix, StringComparison.Ordinal))).FirstOrDefault();
            if (owner.Name is not null)
            {
                var layers = (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), tag))!.Json["layers"]!.AsArray().Count;
                shape.Add($"{owner.Name}{tag[owner.Prefix.Length..]} layers={layers}");
            }
            else shape.Add($"{tag} -> {manifest.Permutations.FirstOrDefault(p => p.Digest == digest)?.Id ?? digest}");
        }
        return shape.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>An index's signature and provenance; each platform manifest's SBOM reference attestation and the SBOM artifact; the tags.</summary>
    protected static IReadOnlyList<string> ExpectedShape(ReleaseManifest manifest) =>
        manifest.Permutations.SelectMany(p => new[]
            {
                $"{p.Id}.att layers=1", $"{p.Id}.sig layers=1",
            }.Concat(p.Platforms.SelectMany(x => new[] { $"{p.Id} {x.Platform}.att layers=1", $"{p.Id} {x.Platform}.sbom layers=1" }))
            .Concat(p.Tags.Select(t => $"{t.Reference[(t.Reference.LastIndexOf(':') + 1)..]} -> {p.Id}")))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Each platform's SBOM verifies against its own platform digest with the real cosign: the in-toto reference
    /// attestation on that platform's manifest names, by digest, exactly the SBOM the manifest records for it, and that
    /// document is in the registry as the attestation's download location says.
    /// </summary>
    protected async Task AssertPlatformSbomsAttestedAsync(ManifestPermutation entry, string? manifestDirectory = null)
    {
        foreach (var platform in entry.Platforms)
        {
            var verified = await CosignAsync("verify-attestation", "--type", SbomReference.PredicateType, $"{entry.Repository}@{platform.Digest}");
            Assert.True(verified.Succeeded, $"{entry.Id} {platform.Platform}: the SBOM reference attestation did not verify: {verified.Output}");
            var envelope = System.Text.Json.Nodes.JsonNode.Parse(verified.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0])!;
            var statement = System.Text.Json.Nodes.JsonNode.Parse(Convert.FromBase64String((string)envelope["payload"]!))!;
            Assert.Equal(platform.Digest, "sha256:" + (string)statement["subject"]![0]!["digest"]!["sha256"]!);
            var reference = statement["predicate"]!["references"]![0]!;
            Assert.Equal(platform.Sbom!.Digest, "sha256:" + (string)reference["digest"]!["sha256"]!);
            Assert.Equal($"http://{Registry.Address}/v2/{Registry.RepositoryPath()}/blobs/{platform.Sbom.Digest}", (string)reference["downloadLocation"]!);
            var document = await Registry.Client.BlobAsync(Registry.RepositoryPath(), platform.Sbom.Digest);
            Assert.Equal(File.ReadAllBytes(Path.Combine(manifestDirectory ?? ArtifactsDirectory, platform.Sbom.Path)), document);
            var artifact = (await Registry.Client.ManifestAsync(Registry.RepositoryPath(), SbomReference.ArtifactTag(platform.Digest)))!.Json;
            Assert.Equal(platform.Digest, (string)artifact["subject"]!["digest"]!);
        }
        // The platforms' SBOMs are their own: an arm64 user gets arm64 data.
        Assert.Equal(entry.Platforms.Count, entry.Platforms.Select(p => p.Sbom!.Digest).Distinct().Count());
    }

    /// <summary>
    /// Nothing is published: Bake may have pushed images to be scanned and signed there, untagged (here, on the docker
    /// driver, under their temporary tags), but no tag of the tag policy, no signature and no attestation exists.
    /// </summary>
    protected async Task AssertNothingPublishedAsync()
    {
        var tags = await Registry.Client.TagsAsync(Registry.RepositoryPath());
        Assert.All(tags, tag => Assert.StartsWith(TagPolicy.UnpublishedPrefix, tag));
    }

    /// <summary>Runs the build and kills it (whole process tree) as soon as a line matching <paramref name="killOn"/> appears.</summary>
    protected async Task<(bool Killed, string Output)> RunAndKillAsync(string[] arguments, string killOn)
    {
        var info = new ProcessStartInfo(BuildRunner.Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoPaths.Root };
        info.ArgumentList.Add(BuildRunner.BuildAssemblyPath);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.ArgumentList.Add("--artifacts");
        info.ArgumentList.Add(ArtifactsDirectory);
        foreach (var (name, value) in ToolchainEnvironment.Variables) info.Environment[name] = value;
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("GITHUB_", StringComparison.Ordinal)).ToList()) info.Environment.Remove(name);
        foreach (var (name, value) in Build.Environment) if (value is null) info.Environment.Remove(name); else info.Environment[name] = value;
        using var process = new Process { StartInfo = info };
        var output = new System.Text.StringBuilder();
        var killed = false;
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (output) output.AppendLine(line);
            if (!killed && line.Contains(killOn, StringComparison.Ordinal))
            {
                killed = true;
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        lock (output) return (killed, output.ToString());
    }

    protected static string GrandparentSha => Git("rev-parse", "HEAD~2");

    /// <summary>The last-known-good pin Publish and Rollback write in this test's artifacts.</summary>
    protected string PinPath => Path.Combine(ArtifactsDirectory, "lkg.json");

    /// <summary>Publishes one permutation as a default-branch push of <paramref name="sha"/>; each stamp gives another image.</summary>
    protected async Task<ManifestPermutation> PublishOneAsync(string id, string sha, string stamp)
    {
        foreach (var (name, value) in DefaultBranchEnvironment(sha)) Build.Environment[name] = value;
        Build.Environment["FIXTURE_STAMP"] = $"{Registry.Namespace}-{stamp}";
        var result = await RunBuildAsync(PipelineArguments("Publish", "--permutations", id));
        Assert.True(result.Succeeded, $"Publish of {sha} failed");
        return Assert.Single(ReadManifest().Permutations);
    }

    /// <summary>
    /// What a rollback needs: a good release of <paramref name="id"/> from the parent commit (its manifest kept as
    /// <c>LastKnownGood</c>), then a bad one (other content) from HEAD, whose manifest stays artifacts/manifest.json.
    /// </summary>
    protected async Task<(ManifestPermutation Good, string LastKnownGood, ManifestPermutation Bad)> PublishGoodThenBadAsync(string id)
    {
        var good = await PublishOneAsync(id, ParentSha, "a");
        var lastKnownGood = Path.Combine(WorkDirectory, "last-known-good.json");
        File.Copy(ManifestPath, lastKnownGood);
        var bad = await PublishOneAsync(id, HeadSha, "b");
        Assert.NotEqual(good.Digest, bad.Digest);
        return (good, lastKnownGood, bad);
    }

    protected static string Git(params string[] arguments)
    {
        var result = ProcessRunner.RunAsync("git", arguments, RepoPaths.Root).GetAwaiter().GetResult();
        return result.Succeeded ? result.StandardOutput.Trim() : throw new InvalidOperationException("git failed: " + result.Output);
    }
}
