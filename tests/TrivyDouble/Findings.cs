using System.Text.Json.Nodes;

namespace TrivyDouble;

/// <summary>
/// The findings a test chose. TRIVY_TEST_DOUBLE_FINDINGS names a real Trivy JSON report (SchemaVersion 2) whose
/// Results are reported for the scanned image; unset means a clean image. TRIVY_TEST_DOUBLE_FINDINGS_MATCH (optional)
/// limits them to scans whose input or reference, or one of whose image's label values, contains that text, e.g. one
/// permutation id (an image scanned by digest in a registry names its permutation only in its labels);
/// TRIVY_TEST_DOUBLE_FINDINGS_PLATFORM (optional) to scans of that platform's image, e.g. linux/arm64.
/// </summary>
internal static class Findings
{
    public const string FindingsVariable = "TRIVY_TEST_DOUBLE_FINDINGS";
    public const string MatchVariable = "TRIVY_TEST_DOUBLE_FINDINGS_MATCH";
    public const string PlatformVariable = "TRIVY_TEST_DOUBLE_FINDINGS_PLATFORM";
    public const string SbomVariable = "TRIVY_TEST_DOUBLE_SBOM";

    public static JsonObject? Load(IReadOnlyDictionary<string, string?> env, string artifactName, string? platform = null, IEnumerable<string>? labelValues = null)
    {
        var path = env.GetValueOrDefault(FindingsVariable);
        if (string.IsNullOrEmpty(path)) return null;
        var match = env.GetValueOrDefault(MatchVariable);
        if (!string.IsNullOrEmpty(match) && !artifactName.Contains(match, StringComparison.Ordinal)
            && !(labelValues ?? []).Any(v => v.Contains(match, StringComparison.Ordinal))) return null;
        var onlyPlatform = env.GetValueOrDefault(PlatformVariable);
        if (!string.IsNullOrEmpty(onlyPlatform) && onlyPlatform != platform) return null;
        var report = ReadJson(path, FindingsVariable);
        if ((int?)report["SchemaVersion"] != 2)
            throw new DoubleUsageException($"{FindingsVariable}={path} is not a Trivy JSON report with SchemaVersion 2");
        return report;
    }

    /// <summary>A real CycloneDX SBOM whose components and dependencies describe the image (TRIVY_TEST_DOUBLE_SBOM).</summary>
    public static JsonObject? LoadSbom(IReadOnlyDictionary<string, string?> env)
    {
        var path = env.GetValueOrDefault(SbomVariable);
        if (string.IsNullOrEmpty(path)) return null;
        var sbom = ReadJson(path, SbomVariable);
        return (string?)sbom["bomFormat"] == "CycloneDX" ? sbom
            : throw new DoubleUsageException($"{SbomVariable}={path} is not a CycloneDX JSON document");
    }

    static JsonObject ReadJson(string path, string variable)
    {
        if (!File.Exists(path)) throw new DoubleUsageException($"{variable}={path}: no such file");
        try { return JsonNode.Parse(File.ReadAllText(path))!.AsObject(); }
        catch (System.Text.Json.JsonException e) { throw new DoubleUsageException($"{variable}={path} is not JSON: {e.Message}"); }
    }

    /// <summary>
    /// Applies what Trivy applies before reporting: severities, --ignore-unfixed, the ignore file. Results whose
    /// vulnerabilities are all filtered lose the key, as in Trivy's output. Returns the vulnerabilities left.
    /// </summary>
    public static int Filter(JsonArray results, ScanOptions options, IReadOnlyList<IgnoreRule> rules)
    {
        var remaining = 0;
        foreach (var result in results.OfType<JsonObject>())
        {
            if (result["Vulnerabilities"] is not JsonArray vulnerabilities) continue;
            var target = (string?)result["Target"] ?? "";
            var kept = vulnerabilities.OfType<JsonObject>().Where(v => Keep(v, target, options, rules)).Select(v => v.DeepClone()).ToArray();
            result.Remove("Vulnerabilities");
            if (kept.Length > 0) result["Vulnerabilities"] = new JsonArray(kept);
            remaining += kept.Length;
        }
        return remaining;
    }

    static bool Keep(JsonObject v, string target, ScanOptions options, IReadOnlyList<IgnoreRule> rules)
    {
        var severity = (string?)v["Severity"] ?? "UNKNOWN";
        if (!options.Severities.Contains(severity)) return false;
        if (options.IgnoreUnfixed && !IsFixed(v)) return false;
        var id = (string?)v["VulnerabilityID"] ?? "";
        var purl = (string?)v["PkgIdentifier"]?["PURL"];
        return !rules.Any(r => r.Matches(id, target, (string?)v["PkgPath"], purl));
    }

    static bool IsFixed(JsonObject v) => v["Status"] is { } status
        ? (string?)status == "fixed"
        : !string.IsNullOrEmpty((string?)v["FixedVersion"]);

    public static IEnumerable<JsonObject> Vulnerabilities(JsonArray results) =>
        results.OfType<JsonObject>().SelectMany(r => r["Vulnerabilities"] is JsonArray a ? a.OfType<JsonObject>() : []);
}
