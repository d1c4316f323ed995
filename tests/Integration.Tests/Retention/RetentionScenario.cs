namespace Integration.Tests.Retention;

/// <summary>
/// A repository in the local registry shaped like months of pipeline use: multi-platform images (buildx
/// adds attestation manifests to each index), cosign signatures and attestations (tag-based, and one
/// OCI 1.1 referrer through the tag-schema fallback), release, main and pull-request tags, ages set through
/// SOURCE_DATE_EPOCH (a distribution registry's only notion of age), and one orphaned signature.
/// </summary>
internal sealed class RetentionScenario
{
    public const string Permutation = "gcc15-clang20";
    public readonly string Name;
    public readonly string WorkDirectory;
    public readonly Dictionary<string, string> Digests = new();

    /// <param name="name">The repository path in the registry (the test's own namespace).</param>
    public RetentionScenario(string name, string workDirectory) => (Name, WorkDirectory) = (name, workDirectory);

    public string Repository => $"{RetentionTools.Registry}/{Name}";
    public string KeyPath => Path.Combine(WorkDirectory, "cosign.key");
    public string PublicKeyPath => Path.Combine(WorkDirectory, "cosign.pub");
    private static readonly Dictionary<string, string?> Cosign = new() { ["COSIGN_PASSWORD"] = "retention-test" };

    public async Task CreateAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(WorkDirectory, "Dockerfile"),
            "FROM 127.0.0.1:5000/base/busybox:latest\nARG MARK\nRUN echo \"$MARK\" > /mark\n");
        await RetentionTools.RunCheckedAsync("cosign", ["generate-key-pair"], WorkDirectory, Cosign);

        await PushAsync("release", ageDays: 200, $"v1.0.0-{Permutation}");
        await PushAsync("main-old", ageDays: 200, $"{Permutation}-sha-0000001");
        await PushAsync("main-new", ageDays: 10, $"{Permutation}-sha-0000002", $"{Permutation}-main");
        await PushAsync("pr-old", ageDays: 200, "pr-5");
        await PushAsync("pr-new", ageDays: 10, "pr-6");
        await PushAsync("gone", ageDays: 200, "pr-1");

        foreach (var image in new[] { "release", "main-old", "main-new", "pr-old", "gone" }) await SignAsync(image);
        foreach (var image in new[] { "release", "pr-old" }) await AttestAsync(image);
        foreach (var image in new[] { "release", "pr-old" }) await SignAsync(image, referrersMode: true);

        // The image of an orphaned signature: deleted behind retention's back (as other cleanup tools do).
        await RetentionTools.DeleteAsync(Name, Digests["gone"]);
    }

    private async Task PushAsync(string image, int ageDays, params string[] tags)
    {
        var epoch = DateTimeOffset.UtcNow.AddDays(-ageDays).ToUnixTimeSeconds().ToString();
        var tagArguments = tags.SelectMany(t => new[] { "--tag", $"{Repository}:{t}" });
        string[] build = ["buildx", "build", "--platform", "linux/amd64,linux/arm64", "--build-arg", $"MARK={image}-{Name}",
            "--build-arg", $"SOURCE_DATE_EPOCH={epoch}", .. tagArguments, "--push", WorkDirectory];
        // The shared registry answers an occasional 500 under parallel load; a push is idempotent, so try again.
        for (var attempt = 1; !(await RetentionTools.RunAsync("docker", build)).Succeeded; attempt++)
            if (attempt == 3) await RetentionTools.RunCheckedAsync("docker", build);
        Digests[image] = await RetentionTools.DigestAsync(Name, tags[0]) ?? throw new InvalidOperationException($"{image} was not pushed");
    }

    private Task SignAsync(string image, bool referrersMode = false) => RetentionTools.RunCheckedAsync("cosign", [
        "sign", "--yes", "--key", KeyPath, "--allow-insecure-registry", "--tlog-upload=false",
        .. referrersMode ? new[] { "--registry-referrers-mode=oci-1-1" } : [], $"{Repository}@{Digests[image]}"],
        WorkDirectory, new Dictionary<string, string?>(Cosign) { ["COSIGN_EXPERIMENTAL"] = "1" });

    private async Task AttestAsync(string image)
    {
        var predicate = Path.Combine(WorkDirectory, "sbom.json");
        await File.WriteAllTextAsync(predicate, """{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[]}""");
        await RetentionTools.RunCheckedAsync("cosign", [
            "attest", "--yes", "--key", KeyPath, "--allow-insecure-registry", "--tlog-upload=false",
            "--type", "cyclonedx", "--predicate", predicate, $"{Repository}@{Digests[image]}"], WorkDirectory, Cosign);
    }

    public async Task<bool> VerifiesAsync(string image)
    {
        var reference = $"{Repository}@{Digests[image]}";
        var signature = await RetentionTools.RunAsync("cosign", ["verify", "--key", PublicKeyPath, "--allow-insecure-registry", "--insecure-ignore-tlog", reference]);
        return signature.Succeeded;
    }

    public async Task<bool> AttestationVerifiesAsync(string image) =>
        (await RetentionTools.RunAsync("cosign", ["verify-attestation", "--key", PublicKeyPath, "--allow-insecure-registry", "--insecure-ignore-tlog", "--type", "cyclonedx", $"{Repository}@{Digests[image]}"])).Succeeded;

    /// <summary>Pulls one platform of an image by digest into an OCI layout (manifest, config and every layer blob).</summary>
    public async Task<bool> PullsAsync(string image, string architecture)
    {
        var target = Path.Combine(WorkDirectory, $"pull-{image}-{architecture}");
        var result = await RetentionTools.RunAsync("skopeo", [
            "--override-os", "linux", "--override-arch", architecture, "copy", "--src-tls-verify=false",
            $"docker://{Repository}@{Digests[image]}", $"oci:{target}:pulled"]);
        return result.Succeeded;
    }

    public string PolicyFile()
    {
        var path = Path.Combine(WorkDirectory, "retention-policy.json");
        File.WriteAllText(path, $$"""
            { "images": {
                "keepForever": ["v*.*.*-*", "{permutation}-main"],
                "defaultBranch": { "tags": ["{permutation}-sha-*"], "keepNewest": 1 },
                "pullRequests": { "tags": ["pr-*"], "olderThanDays": 90 },
                "untagged": { "olderThanDays": 90 } },
              "artifacts": { "retentionDays": 30 } }
            """);
        return path;
    }
}
