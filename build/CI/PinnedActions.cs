namespace Pipeline.CI;

/// <summary>An action pinned to a full commit SHA; <see cref="Version"/> becomes the `# vX.Y.Z` comment.</summary>
public sealed record PinnedAction(string Repository, string Sha, string Version)
{
    public string Reference => $"{Repository}@{Sha}";
}

/// <summary>
/// Every action the generated workflows use, pinned to the release commit (tags can move; commits cannot).
/// To bump one: take the new release's commit (`git ls-remote https://github.com/OWNER/REPO refs/tags/vX.Y.Z`,
/// dereferencing annotated tags), change it here, run `./build.sh GenerateWorkflows` and commit both.
/// </summary>
public static class PinnedActions
{
    public static readonly PinnedAction Checkout = new("actions/checkout", "de0fac2e4500dabe0009e67214ff5f5447ce83dd", "v6.0.2");
    public static readonly PinnedAction SetupDotnet = new("actions/setup-dotnet", "67a3573c9a986a3f9c594539f4ab511d57bb3ce9", "v4.3.1");
    public static readonly PinnedAction Cache = new("actions/cache", "5a3ec84eff668545956fd18022155c47e93e2684", "v4.2.3");
    public static readonly PinnedAction UploadArtifact = new("actions/upload-artifact", "ea165f8d65b6e75b540449e92b4886f43607fa02", "v4.6.2");
    public static readonly PinnedAction DownloadArtifact = new("actions/download-artifact", "d3f86a106a0bac45b974a628896c90dbdf5c8093", "v4.3.0");
    public static readonly PinnedAction SetupQemu = new("docker/setup-qemu-action", "29109295f81e9208d7d86ff1c6c12d2833863392", "v3.6.0");
    public static readonly PinnedAction SetupBuildx = new("docker/setup-buildx-action", "e468171a9de216ec08956ac3ada2f0791b6bd435", "v3.11.1");
    public static readonly PinnedAction CosignInstaller = new("sigstore/cosign-installer", "3454372f43399081ed03b604cb2d021dabca52bb", "v3.8.2");
    public static readonly PinnedAction SetupTrivy = new("aquasecurity/setup-trivy", "3fb12ec12f41e471780db15c232d5dd185dcb514", "v0.2.6");
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
    /// <summary>Ubuntu 24.04's skopeo package (noble-updates).</summary>
    public const string SkopeoPackageVersion = "1.13.3+ds1-2ubuntu0.24.04.3";
}
