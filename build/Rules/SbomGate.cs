using System.Text.Json;

namespace Pipeline.Rules;

/// <summary>
/// The SBOM gate: a permutation's CycloneDX SBOM must exist, be non-empty, be CycloneDX JSON with a specVersion,
/// describe the image (metadata.component) and list at least one component. Returns one clear reason or null.
/// </summary>
public static class SbomGate
{
    public static string? Problem(string permutationId, string path)
    {
        if (!File.Exists(path)) return $"SBOM for {permutationId} is missing at {path}; run the Sbom target.";
        return Problem(permutationId, File.ReadAllText(path), path);
    }

    public static string? Problem(string permutationId, string content, string path)
    {
        const string fix = "re-run the Sbom target (trivy image --format cyclonedx)";
        if (string.IsNullOrWhiteSpace(content)) return $"SBOM for {permutationId} at {path} is empty; {fix}.";
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
