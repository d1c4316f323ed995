using System.Text.Json;

namespace TrivyDouble;

/// <summary>
/// `trivy sbom <file>`: the positional argument is a CycloneDX SBOM (Trivy's JSON report then says ArtifactType
/// "cyclonedx" and names the file). The double checks it is one, as Trivy refuses a file it cannot decode.
/// </summary>
internal static class SbomInput
{
    public const string ArtifactType = "cyclonedx";

    public static void Check(ScanOptions options, string workingDirectory)
    {
        if (options.Input is not null) throw new DoubleUsageException("`trivy sbom` takes the SBOM path as its argument, not --input");
        var path = Path.GetFullPath(options.Reference!, workingDirectory);
        if (!File.Exists(path)) throw new DoubleUsageException($"scan error: open {options.Reference}: no such file or directory");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("bomFormat", out var format) || format.GetString() != "CycloneDX")
                throw new DoubleUsageException($"scan error: failed to detect SBOM format of {options.Reference} (trivy-test-double reads CycloneDX JSON)");
        }
        catch (JsonException)
        {
            throw new DoubleUsageException($"scan error: failed to detect SBOM format of {options.Reference}: not JSON");
        }
    }
}
