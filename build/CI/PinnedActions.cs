namespace Pipeline.CI;

/// <summary>An action pinned to a full commit SHA; <see cref="Version"/> becomes the `# vX.Y.Z` comment.</summary>
public sealed record PinnedAction(string Repository, string Sha, string Version)
{
    public string Reference => $"{Repository}@{Sha}";
}

/// <summary>
/// Every action the generated workflows use, pinned to the release commit (tags can move; commits cannot). JavaScript
/// actions are on releases whose action.yml says `runs.using: node24` (GitHub runs Node 20 actions on Node 24 since
/// 2026-06-02 and removes Node 20 on 2026-09-16; node24 actions need runner 2.327.1 or later), and every input the
/// generated YAML passes is one the release's action.yml declares. To bump one: take the new release's commit
/// (`git ls-remote https://github.com/OWNER/REPO refs/tags/vX.Y.Z`, dereferencing annotated tags), check its action.yml
/// (runs.using, the inputs used here) and release notes, change it here, run `./build.sh GenerateWorkflows` and commit both.
/// </summary>
public static class PinnedActions
{
    public static readonly PinnedAction Checkout = new("actions/checkout", "de0fac2e4500dabe0009e67214ff5f5447ce83dd", "v6.0.2");
    public static readonly PinnedAction SetupDotnet = new("actions/setup-dotnet", "a98b56852c35b8e3190ac28c8c2271da59106c68", "v6.0.0");
    public static readonly PinnedAction Cache = new("actions/cache", "27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5");
    public static readonly PinnedAction UploadArtifact = new("actions/upload-artifact", "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0");
    /// <summary>
    /// Still v4 (node20, run on Node 24 by the runner): from v5 on, a pattern that matches exactly one artifact is
    /// extracted into path/ itself instead of path/&lt;name&gt;/ (v5 release notes; src/download-artifact.ts), so a
    /// permutation with one platform, or a matrix of one permutation, would lose the folder the merge and publish jobs read.
    /// </summary>
    public static readonly PinnedAction DownloadArtifact = new("actions/download-artifact", "d3f86a106a0bac45b974a628896c90dbdf5c8093", "v4.3.0");
    public static readonly PinnedAction SetupQemu = new("docker/setup-qemu-action", "96fe6ef7f33517b61c61be40b68a1882f3264fb8", "v4.2.0");
    public static readonly PinnedAction SetupBuildx = new("docker/setup-buildx-action", "37fe631027851001ddb9b187196cc803df7f5f0e", "v4.3.0");
    /// <summary>Composite (no Node runtime); v3 installs the cosign v2 release the build pins.</summary>
    public static readonly PinnedAction CosignInstaller = new("sigstore/cosign-installer", "3454372f43399081ed03b604cb2d021dabca52bb", "v3.8.2");
    /// <summary>Composite; the actions it uses inside are node24 releases (checkout v6.0.1, cache/restore v5.0.1).</summary>
    public static readonly PinnedAction SetupTrivy = new("aquasecurity/setup-trivy", "3fb12ec12f41e471780db15c232d5dd185dcb514", "v0.2.6");
    /// <summary>node24; the one input used, sarif_file, takes a file or a directory of SARIF files; its token needs security-events: write.</summary>
    public static readonly PinnedAction UploadSarif = new("github/codeql-action/upload-sarif", "8aad20d150bbac5944a9f9d289da16a4b0d87c1e", "v4.36.2");
}

/// <summary>
/// Images and tool versions the actions would otherwise take as "latest" (binfmt, BuildKit) or at their own default,
/// pinned by digest. Bump with
/// `docker buildx imagetools inspect &lt;image:tag&gt;` and regenerate.
/// </summary>
public static class PinnedImages
{
    public const string Binfmt = "tonistiigi/binfmt:qemu-v10.2.3@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0";
    public const string BuildKit = "moby/buildkit:v0.31.2@sha256:2f5adac4ecd194d9f8c10b7b5d7bceb5186853db1b26e5abd3a657af0b7e26ec";
    /// <summary>The release cosign-installer installs: the one the build's own fallback image pins (<see cref="Cosign.Image"/>).</summary>
    public const string CosignVersion = "v2.5.3";
    /// <summary>
    /// The oldest skopeo the jobs accept: the one the integration tests run (Debian 12's 1.9.3), which has everything the
    /// build uses (`copy --all --preserve-digests`, `inspect --raw`, `list-tags`). GitHub's Ubuntu 24.04 images ship 1.13.
    /// </summary>
    public const string SkopeoMinimumVersion = "1.9.3";
}
