using System.Text.Json.Nodes;

namespace TrivyDouble;

/// <summary>Trivy's JSON report (SchemaVersion 2), in the field order of Trivy's own golden files.</summary>
internal static class JsonReport
{
    public const string ImageArtifactType = "container_image";

    public static JsonObject Build(ScanOptions options, ImageFacts? facts, JsonObject? findings, JsonArray results,
        string version, DateTimeOffset now, string artifactType = ImageArtifactType)
    {
        var metadata = new JsonObject();
        if (facts is not null) metadata["Size"] = facts.Size;
        if (findings?["Metadata"]?["OS"] is { } os) metadata["OS"] = os.DeepClone();
        if (facts is not null)
        {
            metadata["ImageID"] = facts.ImageId;
            metadata["DiffIDs"] = new JsonArray(facts.DiffIds.Select(d => (JsonNode)d!).ToArray());
        }
        if (options.Reference is not null && artifactType == ImageArtifactType)
        {
            metadata["RepoTags"] = new JsonArray(options.Reference);
            metadata["Reference"] = options.Reference;
        }
        if (facts is not null)
        {
            metadata["ImageConfig"] = facts.Config.DeepClone();
            metadata["Layers"] = new JsonArray(facts.Layers.Select(l =>
                (JsonNode)new JsonObject { ["Size"] = l.Size, ["Digest"] = l.Digest, ["DiffID"] = l.DiffId }).ToArray());
        }
        var report = new JsonObject
        {
            ["SchemaVersion"] = 2,
            ["Trivy"] = new JsonObject { ["Version"] = version },
            ["ReportID"] = Guid.CreateVersion7(now).ToString(),
            ["CreatedAt"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"),
            ["ArtifactID"] = facts?.ImageId,
            ["ArtifactName"] = options.ArtifactName,
            ["ArtifactType"] = artifactType,
            ["Metadata"] = metadata,
        };
        if (facts is null) report.Remove("ArtifactID");
        if (findings?["Results"] is not null) report["Results"] = results;
        return report;
    }

    /// <summary>Findings' targets name their own image ("x.tar.gz (alpine 3.9.4)"): renamed to the scanned one.</summary>
    public static JsonArray RetargetedResults(JsonObject? findings, string artifactName)
    {
        var results = (findings?["Results"]?.DeepClone() as JsonArray) ?? [];
        var originalName = (string?)findings?["ArtifactName"];
        foreach (var result in results.OfType<JsonObject>())
        {
            var target = (string?)result["Target"];
            if (originalName is not null && target is not null && target.StartsWith(originalName, StringComparison.Ordinal))
                result["Target"] = artifactName + target[originalName.Length..];
        }
        return results;
    }
}
