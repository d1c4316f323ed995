using System.IO.Compression;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Integration.Tests.Rehearsal;

/// <summary>
/// github/codeql-action/upload-sarif as its src/upload-lib.ts does it for files no CodeQL made: sarif_file is a file, or a
/// folder searched recursively for *.sarif (none: "No SARIF files found to upload"); each file parsed and validated
/// against the action's own sarif-schema-2.1.0.json (invalid URIs only warned about, as the action does); runs must be
/// unique by tool and automationDetails.id across the files, or the upload is refused ("does not support uploading
/// multiple SARIF runs with the same category"); a run with no id takes the category input (a trailing / added); then
/// one combined, gzipped, base64 log goes to GitHub's API (PUT code-scanning/analysis, the action's endpoint) with the
/// job's token, which needs security-events: write. The API (the fake) records the upload.
/// </summary>
public static class UploadSarifAction
{
    public const string Action = "github/codeql-action/upload-sarif";
    public static readonly string[] Inputs = ["sarif_file", "category", "checkout_path", "ref", "sha", "token", "wait-for-processing", "matrix"];

    static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Rehearsal", "Actions", "sarif-schema-2.1.0.json")))!;
        WithoutMisplacedKeywords(schema);
        return JsonSchema.FromJsonAsync(schema.ToJsonString()).GetAwaiter().GetResult();
    });

    /// <summary>
    /// The schema has one slip: region's <c>anyOf</c> sits inside <c>properties</c>, where it names a property whose
    /// "schema" is an array. The action's validator (npm jsonschema) passes over it; NJsonSchema cannot load it, so the
    /// non-schema members of every <c>properties</c> map are dropped, which checks exactly what the action checks.
    /// </summary>
    static void WithoutMisplacedKeywords(JsonNode node)
    {
        if (node is JsonObject map)
        {
            if (map["properties"] is JsonObject properties)
                foreach (var name in properties.Where(p => p.Value is not JsonObject).Select(p => p.Key).ToList()) properties.Remove(name);
            foreach (var child in map.Select(p => p.Value).OfType<JsonNode>().ToList()) WithoutMisplacedKeywords(child);
        }
        else if (node is JsonArray array)
            foreach (var child in array.OfType<JsonNode>().ToList()) WithoutMisplacedKeywords(child);
    }

    public static async Task<(bool, string)> RunAsync(JobRun job, IReadOnlyDictionary<string, string> with)
    {
        var path = Path.GetFullPath(Path.Combine(job.Workspace, with.GetValueOrDefault("sarif_file", "../results")));
        if (!File.Exists(path) && !Directory.Exists(path)) return (false, $"Path does not exist: {path}");
        var files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.sarif", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : [path];
        if (files.Count == 0) return (false, $"No SARIF files found to upload in \"{path}\".");
        var (runs, refusal) = Validate(await Task.WhenAll(files.Select(async f => (f, await File.ReadAllTextAsync(f)))));
        if (refusal is not null) return (false, refusal);
        if (with.TryGetValue("category", out var category))
            foreach (var run in runs.Where(r => r["automationDetails"] is null))
                run["automationDetails"] = new JsonObject { ["id"] = category.EndsWith('/') ? category : category + "/" };

        var combined = new JsonObject { ["version"] = "2.1.0", ["runs"] = new JsonArray(runs.Select(r => (JsonNode)r.DeepClone()).ToArray()) };
        var payload = new JsonObject
        {
            ["commit_oid"] = with.GetValueOrDefault("sha", job.Event.Sha),
            ["ref"] = with.GetValueOrDefault("ref", job.Event.Ref),
            ["sarif"] = Gzip(combined.ToJsonString()),
            ["checkout_uri"] = new Uri(with.GetValueOrDefault("checkout_path", job.Workspace)).AbsoluteUri,
            ["tool_names"] = new JsonArray(runs.Select(r => (string?)r["tool"]?["driver"]?["name"]).Distinct().Select(n => (JsonNode?)n).ToArray()),
        };
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{job.Machine.GitHubApi.ApiUrl}/repos/{job.Event.Repository}/code-scanning/analysis")
        {
            Content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", with.GetValueOrDefault("token", job.Token));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? (true, $"Successfully uploaded results ({runs.Count} run(s) from {files.Count} file(s))")
            : (false, $"Uploading results failed: {(int)response.StatusCode} {body}");
    }

    /// <summary>The runs of the files, or why the action refuses them (JSON, the schema, one run per tool and category).</summary>
    public static (List<JsonObject> Runs, string? Refusal) Validate(IReadOnlyList<(string Path, string Json)> files)
    {
        var runs = new List<JsonObject>();
        foreach (var (file, json) in files)
        {
            JsonObject sarif;
            try { sarif = JsonNode.Parse(json)!.AsObject(); }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
            { return (runs, $"Invalid SARIF. JSON syntax error: {e.Message}"); }
            // Invalid URIs are only warned about (codeql-action issue 1703).
            var errors = Schema.Value.Validate(json).Where(e => e.Kind is not ValidationErrorKind.UriExpected).ToList();
            if (errors.Count > 0)
                return (runs, $"Unable to upload \"{file}\" as it is not valid SARIF:\n" + string.Join("\n", errors.Select(e => $"- {e.Path}: {e.Kind}")));
            runs.AddRange(sarif["runs"]!.AsArray().Select(r => r!.AsObject()));
        }
        var keys = runs.Select(RunKey).ToList();
        return keys.Distinct().Count() == keys.Count ? (runs, null)
            : (runs, "The CodeQL Action does not support uploading multiple SARIF runs with the same category. Please update your workflow to upload a single run per category.");
    }

    /// <summary>What code scanning tells analyses apart by (src/sarif/index.ts createRunKey).</summary>
    static string RunKey(JsonObject run)
    {
        var driver = run["tool"]?["driver"];
        return string.Join("\u001f", new[] { driver?["name"], driver?["fullName"], driver?["version"], driver?["semanticVersion"], driver?["guid"], run["automationDetails"]?["id"] }
            .Select(v => v?.ToJsonString() ?? "undefined"));
    }

    static string Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(Encoding.UTF8.GetBytes(text));
        return Convert.ToBase64String(output.ToArray());
    }
}
