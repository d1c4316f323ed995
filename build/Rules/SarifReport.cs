using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Rules;

/// <summary>
/// The SARIF files the Refresh target uploads to code scanning, one per permutation and platform: Trivy's own SARIF
/// (`trivy convert --format sarif` of the re-scan's JSON report) with each run's <c>automationDetails.id</c> set to a
/// category of its own, so one upload of the folder keeps the permutations' and platforms' results apart instead of the
/// last replacing the others (github/codeql-action's upload-lib: an id in the file wins over the category input, and
/// runs with the same tool and category in one upload are refused). Checked against code scanning's documented limits
/// (docs.github.com, "SARIF support for code scanning" and "SARIF results exceed limit") before anything is uploaded.
/// </summary>
public static class SarifReport
{
    public const string Version = "2.1.0";
    public const int MaxRunsPerUpload = 20;
    public const int MaxResultsPerRun = 25_000;
    public const int MaxRulesPerRun = 25_000;
    /// <summary>An upload is gzip-compressed; 10 MB after compression is the most code scanning accepts.</summary>
    public const long MaxCompressedBytes = 10L * 1024 * 1024;

    /// <summary>
    /// <c>devcontainer-image/&lt;id&gt;/&lt;os&gt;-&lt;arch&gt;/</c>: the trailing slash marks it as a category with no run id
    /// (codeql-action appends one to its category input for the same reason), so each day's upload replaces the last of its category.
    /// </summary>
    public static string Category(string permutationId, string platform) => $"devcontainer-image/{permutationId}/{PlatformScanReports.FileSuffix(platform)}/";

    /// <summary>The SARIF with every run's automationDetails.id set to <paramref name="category"/>; a document that is not SARIF 2.1.0 is refused.</summary>
    public static string WithCategory(string subject, string sarifJson, string category)
    {
        var root = Parse(subject, sarifJson);
        foreach (var run in root["runs"]!.AsArray().OfType<JsonObject>())
            run["automationDetails"] = new JsonObject { ["id"] = category };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>
    /// What code scanning would refuse in one upload of these files (name, text): not SARIF 2.1.0, a run without a tool
    /// name, more than 20 runs, more than 25,000 results or rules in a run, two runs of one tool with one category, or
    /// more than 10 MB compressed. Empty: the upload is within the limits.
    /// </summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<(string Name, string Json)> files)
    {
        var problems = new List<string>();
        var runs = 0;
        var seen = new Dictionary<(string?, string?), string>();
        foreach (var (name, json) in files)
        {
            JsonObject root;
            try { root = Parse(name, json); }
            catch (InvalidOperationException e) { problems.Add(e.Message); continue; }
            foreach (var run in root["runs"]!.AsArray().OfType<JsonObject>())
            {
                runs++;
                var tool = (string?)run["tool"]?["driver"]?["name"];
                var category = (string?)run["automationDetails"]?["id"];
                if (tool is null) problems.Add($"{name}: a run has no tool.driver.name; code scanning needs the tool's name.");
                var results = run["results"]?.AsArray().Count ?? 0;
                var rules = run["tool"]?["driver"]?["rules"]?.AsArray().Count ?? 0;
                if (results > MaxResultsPerRun) problems.Add($"{name}: {results} results in one run, more than code scanning's {MaxResultsPerRun}.");
                if (rules > MaxRulesPerRun) problems.Add($"{name}: {rules} rules in one run, more than code scanning's {MaxRulesPerRun}.");
                if (!seen.TryAdd((tool, category), name))
                    problems.Add($"{name} and {seen[(tool, category)]} both hold a {tool} run of category {category ?? "(none)"}; give each run a category of its own.");
            }
        }
        if (runs > MaxRunsPerUpload) problems.Add($"{runs} runs in one upload, more than code scanning's {MaxRunsPerUpload}; upload them in several steps.");
        var compressed = CompressedSize(files.Select(f => f.Json));
        if (compressed > MaxCompressedBytes) problems.Add($"the upload is {compressed} bytes gzip-compressed, more than code scanning's {MaxCompressedBytes}.");
        return problems;
    }

    static long CompressedSize(IEnumerable<string> documents)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            foreach (var document in documents) gzip.Write(Encoding.UTF8.GetBytes(document));
        return output.Length;
    }

    static JsonObject Parse(string subject, string json)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException e) { throw new InvalidOperationException($"{subject}: the SARIF is not JSON ({e.Message}); re-run Refresh."); }
        if (node is not JsonObject root || (string?)root["version"] != Version || root["runs"] is not JsonArray)
            throw new InvalidOperationException($"{subject}: not a SARIF {Version} log (version and runs); Trivy writes one with `trivy convert --format sarif`.");
        return root;
    }
}
