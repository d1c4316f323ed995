using System.Text.Json.Nodes;

namespace Pipeline.Rules;

/// <summary>
/// A permutation's one Trivy report (what the manifest records and gates) made from its platforms' reports: every
/// platform's Results, each Target prefixed with its platform, so counts sum over platforms and a finding on any
/// platform fails the permutation. Pure.
/// </summary>
public static class PlatformScanReports
{
    /// <summary>"linux/arm64" → "linux-arm64": the platform as it appears in file names (scan reports, SBOMs).</summary>
    public static string FileSuffix(string platform) => platform.Replace('/', '-');

    public static string Merge(string permutationId, IReadOnlyList<(string Platform, string ReportJson)> reports)
    {
        if (reports.Count == 0) throw new ArgumentException($"No platform report of {permutationId} to merge; re-run Scan.");
        var first = JsonNode.Parse(reports[0].ReportJson)!.AsObject();
        var results = new JsonArray();
        var platforms = new JsonArray();
        foreach (var (platform, json) in reports)
        {
            platforms.Add(platform);
            var report = JsonNode.Parse(json)!.AsObject();
            foreach (var result in report["Results"]?.AsArray() ?? [])
            {
                var copy = result!.DeepClone().AsObject();
                copy["Target"] = $"{platform}: {(string?)result["Target"]}";
                results.Add(copy);
            }
        }
        return new JsonObject
        {
            ["SchemaVersion"] = 2,
            ["CreatedAt"] = first["CreatedAt"]?.DeepClone(),
            ["ArtifactName"] = permutationId,
            ["ArtifactType"] = first["ArtifactType"]?.DeepClone(),
            ["Platforms"] = platforms,
            ["Results"] = results,
            ["Trivy"] = first["Trivy"]?.DeepClone(),
        }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }
}
