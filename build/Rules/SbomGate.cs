using System.Text.Json;

namespace Pipeline.Rules;

/// <summary>
/// The SBOM gate: a permutation's CycloneDX SBOM must exist, be non-empty, be CycloneDX JSON with a specVersion,
/// describe the image (metadata.component), list at least one component and be at most <see cref="MaxBytes"/>. Returns
/// one clear reason or null.
/// </summary>
public static class SbomGate
{
    /// <summary>
    /// 16 MiB, GitHub's limit for an attested predicate (actions/attest-sbom refuses larger ones), so the same document
    /// could be attested there too. This pipeline attests only a reference to the SBOM (<see cref="SbomReference"/>: a
    /// few hundred bytes in the transparency log) and pushes the document itself as a registry blob, which Bake reads
    /// back into memory to reuse an image.
    /// </summary>
    public const long MaxBytes = 16L * 1024 * 1024;

    public static string? Problem(string permutationId, string path)
    {
        if (!File.Exists(path)) return $"SBOM for {permutationId} is missing at {path}; run the Sbom target.";
        if (new FileInfo(path).Length is var size && size > MaxBytes) return TooLarge(permutationId, path, size);
        return Problem(permutationId, File.ReadAllText(path), path);
    }

    static string TooLarge(string permutationId, string path, long size) =>
        $"SBOM for {permutationId} at {path} is {size / (1024.0 * 1024):0.0} MiB, over the {MaxBytes / (1024 * 1024)} MiB limit (README, Scanning); " +
        "remove what the image does not need, or leave directories out of the SBOM with scan.skip-dirs in trivy.yaml.";

    public static string? Problem(string permutationId, string content, string path)
    {
        const string fix = "re-run the Sbom target (trivy image --format cyclonedx)";
        if (string.IsNullOrWhiteSpace(content)) return $"SBOM for {permutationId} at {path} is empty; {fix}.";
        if (System.Text.Encoding.UTF8.GetByteCount(content) is var bytes && bytes > MaxBytes) return TooLarge(permutationId, path, bytes);
        JsonDocument document;
        try { document = JsonDocument.Parse(content); }
        catch (JsonException) { return $"SBOM for {permutationId} at {path} is not valid JSON; {fix}."; }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("bomFormat", out var format) || format.GetString() != "CycloneDX")
                return $"SBOM for {permutationId} at {path} is not CycloneDX (bomFormat must be \"CycloneDX\"); {fix}.";
            if (!root.TryGetProperty("specVersion", out var spec) || spec.ValueKind != JsonValueKind.String || !Version.TryParse(spec.GetString(), out var version) || version.Major != 1)
                return $"SBOM for {permutationId} at {path} has no valid CycloneDX specVersion (1.x); {fix}.";
            if (!root.TryGetProperty("metadata", out var metadata) || !metadata.TryGetProperty("component", out _))
                return $"SBOM for {permutationId} at {path} does not describe its image (metadata.component missing); {fix}.";
            if (!root.TryGetProperty("components", out var components) || components.ValueKind != JsonValueKind.Array || components.GetArrayLength() == 0)
                return $"SBOM for {permutationId} at {path} lists no components (empty SBOM); {fix}.";
            return null;
        }
    }
}
