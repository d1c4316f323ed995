using System.Globalization;
using System.Text.Json.Nodes;

namespace TrivyDouble;

/// <summary>
/// `trivy convert --format sarif`: a Trivy JSON report as Trivy's SARIF 2.1.0 (pkg/report/sarif.go, shaped like its
/// integration golden alpine-310.sarif.golden): one rule per vulnerability id (numbered by first appearance, described
/// by its last finding, as Trivy's rule map does), one result per finding, located at the scanned artifact.
/// </summary>
internal static class SarifReport
{
    public const string Schema = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json";

    public static JsonObject Build(JsonObject report, string version)
    {
        var artifact = (string?)report["ArtifactName"] ?? "";
        var rules = new List<JsonObject>();
        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var results = new JsonArray();
        foreach (var result in report["Results"]?.AsArray().OfType<JsonObject>() ?? [])
            foreach (var v in result["Vulnerabilities"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                var id = (string?)v["VulnerabilityID"] ?? "";
                var rule = Rule(v, result);
                if (ruleIndex.TryGetValue(id, out var index)) rules[index] = rule;
                else { ruleIndex[id] = index = rules.Count; rules.Add(rule); }
                results.Add(new JsonObject
                {
                    ["ruleId"] = id,
                    ["ruleIndex"] = index,
                    ["level"] = Level((string?)v["Severity"]),
                    ["message"] = new JsonObject
                    {
                        ["text"] = $"Package: {v["PkgName"]}\nInstalled Version: {v["InstalledVersion"]}\nVulnerability {id}\nSeverity: {v["Severity"]}\n" +
                                   $"Fixed Version: {v["FixedVersion"]}\nLink: [{id}]({v["PrimaryURL"]})",
                    },
                    ["locations"] = new JsonArray(new JsonObject
                    {
                        ["physicalLocation"] = new JsonObject
                        {
                            ["artifactLocation"] = new JsonObject { ["uri"] = artifact, ["uriBaseId"] = "ROOTPATH" },
                            ["region"] = new JsonObject { ["startLine"] = 1, ["startColumn"] = 1, ["endLine"] = 1, ["endColumn"] = 1 },
                        },
                        ["message"] = new JsonObject { ["text"] = $"{artifact}: {v["PkgName"]}@{v["InstalledVersion"]}" },
                    }),
                });
            }
        var metadata = report["Metadata"] as JsonObject;
        return new JsonObject
        {
            ["version"] = "2.1.0",
            ["$schema"] = Schema,
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["fullName"] = "Trivy Vulnerability Scanner",
                        ["informationUri"] = "https://github.com/aquasecurity/trivy",
                        ["name"] = "Trivy",
                        ["rules"] = new JsonArray(rules.Select(r => (JsonNode)r).ToArray()),
                        ["version"] = version,
                    },
                },
                ["results"] = results,
                ["columnKind"] = "utf16CodeUnits",
                ["originalUriBaseIds"] = new JsonObject { ["ROOTPATH"] = new JsonObject { ["uri"] = "file:///" } },
                ["properties"] = new JsonObject
                {
                    ["imageID"] = metadata?["ImageID"]?.DeepClone(),
                    ["imageName"] = artifact,
                    ["repoDigests"] = metadata?["RepoDigests"]?.DeepClone(),
                    ["repoTags"] = metadata?["RepoTags"]?.DeepClone(),
                },
            }),
        };
    }

    static JsonObject Rule(JsonObject v, JsonObject result)
    {
        var (id, severity, url) = ((string?)v["VulnerabilityID"], (string?)v["Severity"], (string?)v["PrimaryURL"]);
        var description = (string?)v["Description"] ?? "";
        var properties = new JsonObject();
        var cvss = v["CVSS"]?[(string?)v["SeveritySource"] ?? "nvd"] as JsonObject;
        if (cvss?["V2Score"] is { } v2) properties["cvssv2_score"] = v2.DeepClone();
        if (cvss?["V2Vector"] is { } v2Vector) properties["cvssv2_vector"] = v2Vector.DeepClone();
        if (cvss?["V3Score"] is { } v3) properties["cvssv3_baseScore"] = v3.DeepClone();
        if (cvss?["V3Vector"] is { } v3Vector) properties["cvssv3_vector"] = v3Vector.DeepClone();
        properties["precision"] = "very-high";
        properties["security-severity"] = cvss?["V3Score"] is { } score
            ? ((double)score).ToString("0.0##", CultureInfo.InvariantCulture) : SeverityScore(severity);
        properties["tags"] = new JsonArray("vulnerability", "security", severity);
        return new JsonObject
        {
            ["id"] = id,
            ["name"] = (string?)result["Class"] == "lang-pkgs" ? "LanguageSpecificPackageVulnerability" : "OsPackageVulnerability",
            ["shortDescription"] = new JsonObject { ["text"] = (string?)v["Title"] ?? id },
            ["fullDescription"] = new JsonObject { ["text"] = description },
            ["defaultConfiguration"] = new JsonObject { ["level"] = Level(severity) },
            ["helpUri"] = url,
            ["help"] = new JsonObject
            {
                ["text"] = $"Vulnerability {id}\nSeverity: {severity}\nPackage: {v["PkgName"]}\nFixed Version: {v["FixedVersion"]}\nLink: [{id}]({url})\n{description}",
                ["markdown"] = $"**Vulnerability {id}**\n| Severity | Package | Fixed Version | Link |\n| --- | --- | --- | --- |\n" +
                               $"|{severity}|{v["PkgName"]}|{v["FixedVersion"]}|[{id}]({url})|\n\n{description}",
            },
            ["properties"] = properties,
        };
    }

    static string Level(string? severity) => severity switch
    {
        "CRITICAL" or "HIGH" => "error",
        "MEDIUM" => "warning",
        "LOW" or "UNKNOWN" => "note",
        _ => "none",
    };

    static string SeverityScore(string? severity) => severity switch
    {
        "CRITICAL" => "9.5",
        "HIGH" => "8.0",
        "MEDIUM" => "5.5",
        "LOW" => "2.0",
        _ => "0.0",
    };
}
