using System.Text.Json.Nodes;

namespace TrivyDouble;

/// <summary>
/// Trivy's `--format cyclonedx` output, shaped like Trivy's golden file (CycloneDX 1.7, container root component with
/// aquasecurity:trivy properties). Components come from TRIVY_TEST_DOUBLE_SBOM when set, else from the findings'
/// packages; vulnerabilities appear only when the vuln scanner was asked for explicitly, as with Trivy.
/// </summary>
internal static class CycloneDxReport
{
    public static JsonObject Build(ScanOptions options, ImageFacts? facts, JsonObject? findings, JsonArray results,
        JsonObject? sbomSample, string version, DateTimeOffset now)
    {
        var rootRef = (string?)sbomSample?["metadata"]?["component"]?["bom-ref"] ?? Guid.NewGuid().ToString();
        var rootProperties = new JsonArray();
        foreach (var diffId in facts?.DiffIds ?? []) rootProperties.Add(Property("aquasecurity:trivy:DiffID", diffId));
        if (facts is not null) rootProperties.Add(Property("aquasecurity:trivy:ImageID", facts.ImageId));
        if (options.Reference is not null) rootProperties.Add(Property("aquasecurity:trivy:RepoTag", options.Reference));
        rootProperties.Add(Property("aquasecurity:trivy:SchemaVersion", "2"));

        var (components, dependencies) = sbomSample is not null
            ? (sbomSample["components"]?.DeepClone() as JsonArray ?? [], sbomSample["dependencies"]?.DeepClone() as JsonArray ?? [])
            : FromFindings(findings, results, rootRef);
        var bom = new JsonObject
        {
            ["$schema"] = "http://cyclonedx.org/schema/bom-1.7.schema.json",
            ["bomFormat"] = "CycloneDX",
            ["specVersion"] = "1.7",
            ["serialNumber"] = "urn:uuid:" + Guid.NewGuid(),
            ["version"] = 1,
            ["metadata"] = new JsonObject
            {
                ["timestamp"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'"),
                ["tools"] = new JsonObject
                {
                    ["components"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "application", ["manufacturer"] = new JsonObject { ["name"] = "Aqua Security Software Ltd." },
                        ["group"] = "aquasecurity", ["name"] = "trivy", ["version"] = version,
                    }),
                },
                ["component"] = new JsonObject
                {
                    ["bom-ref"] = rootRef, ["type"] = "container", ["name"] = options.ArtifactName, ["properties"] = rootProperties,
                },
            },
            ["components"] = components,
            ["dependencies"] = dependencies,
        };
        if (options.Scanners?.Contains("vuln") == true)
            bom["vulnerabilities"] = new JsonArray(Findings.Vulnerabilities(results).Select(v => (JsonNode)Vulnerability(v)).ToArray());
        return bom;
    }

    static (JsonArray Components, JsonArray Dependencies) FromFindings(JsonObject? findings, JsonArray results, string rootRef)
    {
        var components = new JsonArray();
        var rootDependsOn = new JsonArray();
        var dependencies = new JsonArray();
        if (findings?["Metadata"]?["OS"] is JsonObject os && (string?)os["Family"] is { } family && family != "none")
        {
            var osRef = Guid.NewGuid().ToString();
            var osPackages = new JsonArray();
            components.Add(new JsonObject
            {
                ["bom-ref"] = osRef, ["type"] = "operating-system", ["name"] = family, ["version"] = (string?)os["Name"],
                ["properties"] = new JsonArray(Property("aquasecurity:trivy:Class", "os-pkgs"), Property("aquasecurity:trivy:Type", family)),
            });
            foreach (var package in Packages(results))
            {
                components.Add(package);
                osPackages.Add((string)package["bom-ref"]!);
                dependencies.Add(new JsonObject { ["ref"] = (string)package["bom-ref"]!, ["dependsOn"] = new JsonArray() });
            }
            dependencies.Insert(0, new JsonObject { ["ref"] = osRef, ["dependsOn"] = osPackages });
            rootDependsOn.Add(osRef);
        }
        dependencies.Add(new JsonObject { ["ref"] = rootRef, ["dependsOn"] = rootDependsOn });
        return (components, dependencies);
    }

    /// <summary>Packages of the report (Packages when listed, else those named by vulnerabilities), one per purl.</summary>
    static IEnumerable<JsonObject> Packages(JsonArray results)
    {
        var seen = new HashSet<string>();
        foreach (var result in results.OfType<JsonObject>())
        {
            var listed = result["Packages"] as JsonArray ?? result["Vulnerabilities"] as JsonArray ?? [];
            foreach (var p in listed.OfType<JsonObject>())
            {
                var purl = (string?)p["PkgIdentifier"]?["PURL"] ?? (string?)p["Identifier"]?["PURL"];
                if (purl is null || !seen.Add(purl)) continue;
                var properties = new JsonArray();
                if ((string?)p["Layer"]?["DiffID"] is { } diffId) properties.Add(Property("aquasecurity:trivy:LayerDiffID", diffId));
                if ((string?)p["Layer"]?["Digest"] is { } digest) properties.Add(Property("aquasecurity:trivy:LayerDigest", digest));
                yield return new JsonObject
                {
                    ["bom-ref"] = purl, ["type"] = "library", ["name"] = (string?)p["PkgName"] ?? (string?)p["Name"],
                    ["version"] = (string?)p["InstalledVersion"] ?? (string?)p["Version"], ["purl"] = purl, ["properties"] = properties,
                };
            }
        }
    }

    static JsonObject Vulnerability(JsonObject v)
    {
        var ratings = new JsonArray();
        foreach (var (source, level) in v["VendorSeverity"] as JsonObject ?? [])
            ratings.Add(new JsonObject { ["source"] = new JsonObject { ["name"] = source }, ["severity"] = SeverityName((int?)level) });
        var advisories = new JsonArray();
        if ((string?)v["PrimaryURL"] is { } primary) advisories.Add(new JsonObject { ["url"] = primary });
        foreach (var reference in v["References"] as JsonArray ?? []) advisories.Add(new JsonObject { ["url"] = (string?)reference });
        var purl = (string?)v["PkgIdentifier"]?["PURL"];
        var vulnerability = new JsonObject
        {
            ["id"] = (string?)v["VulnerabilityID"],
            ["source"] = new JsonObject { ["name"] = (string?)v["DataSource"]?["ID"], ["url"] = (string?)v["DataSource"]?["URL"] },
            ["ratings"] = ratings,
            ["cwes"] = new JsonArray((v["CweIDs"] as JsonArray ?? []).Select(c => int.TryParse(((string?)c)?.Replace("CWE-", ""), out var n) ? n : -1)
                .Where(n => n >= 0).Select(n => (JsonNode)n).ToArray()),
            ["description"] = (string?)v["Description"],
            ["advisories"] = advisories,
            ["published"] = (string?)v["PublishedDate"],
            ["updated"] = (string?)v["LastModifiedDate"],
            ["affects"] = new JsonArray(new JsonObject
            {
                ["ref"] = purl,
                ["versions"] = new JsonArray(new JsonObject { ["version"] = (string?)v["InstalledVersion"], ["status"] = "affected" }),
            }),
        };
        if ((string?)v["FixedVersion"] is { Length: > 0 } fixedVersion)
            vulnerability["recommendation"] = $"Upgrade {(string?)v["PkgName"]} to version {fixedVersion}";
        return vulnerability;
    }

    static string SeverityName(int? level) => level switch
    {
        1 => "low", 2 => "medium", 3 => "high", 4 => "critical", _ => "unknown",
    };

    static JsonObject Property(string name, string value) => new() { ["name"] = name, ["value"] = value };
}
