using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Rules;

/// <summary>The inputs of one permutation's build, as the SLSA provenance records them.</summary>
public sealed record ProvenanceInputs(
    string PermutationId,
    string SourceUrl,
    string Ref,
    string Sha,
    string BakeFile,
    string BakeFileDigest,
    IReadOnlyList<PlatformOverride> BakeOverrides,
    IReadOnlyList<string> Platforms,
    BaseImage? BaseImage,
    string EventName,
    RunIdentity Run,
    IReadOnlyList<ResolvedImage>? Images = null,
    bool Dirty = false);

/// <summary>Who ran the build and which run it was (SLSA runDetails).</summary>
public sealed record RunIdentity(string BuilderId, string InvocationId, DateTimeOffset StartedOn)
{
    /// <summary>GitHub Actions run when its variables are present; otherwise a local build with a fresh invocation id.</summary>
    public static RunIdentity Detect(Func<string, string?> env, DateTimeOffset startedOn, Func<Guid> newId)
    {
        var server = env("GITHUB_SERVER_URL") ?? "https://github.com";
        var workflowRef = env("GITHUB_WORKFLOW_REF");
        var repository = env("GITHUB_REPOSITORY");
        var runId = env("GITHUB_RUN_ID");
        if (!string.IsNullOrEmpty(workflowRef) && !string.IsNullOrEmpty(repository) && !string.IsNullOrEmpty(runId))
            return new RunIdentity($"{server}/{workflowRef}", $"{server}/{repository}/actions/runs/{runId}/attempts/{env("GITHUB_RUN_ATTEMPT") ?? "1"}", startedOn);
        return new RunIdentity(Provenance.LocalBuilderId, $"urn:uuid:{newId()}", startedOn);
    }
}

/// <summary>
/// Writes the SLSA provenance v1 predicate the build attests with `cosign attest --type slsaprovenance1`
/// (cosign wraps it in an in-toto Statement v1 whose subject is the pushed digest).
/// </summary>
public static class Provenance
{
    public const string PredicateType = "https://slsa.dev/provenance/v1";
    public const string BuildType = "urn:devcontainer-pipeline:buildtype:bake:v1";
    public const string LocalBuilderId = "urn:devcontainer-pipeline:builder:local";

    public static JsonObject Predicate(ProvenanceInputs inputs) => new()
    {
        ["buildDefinition"] = new JsonObject
        {
            ["buildType"] = BuildType,
            ["externalParameters"] = new JsonObject
            {
                ["bakeFile"] = inputs.BakeFile,
                ["target"] = inputs.PermutationId,
                ["platforms"] = new JsonArray(inputs.Platforms.Select(p => (JsonNode)p!).ToArray()),
                // dirty: built from uncommitted changes, so the commit below is not all of the source.
                ["source"] = new JsonObject { ["uri"] = inputs.SourceUrl, ["ref"] = inputs.Ref, ["dirty"] = inputs.Dirty },
            },
            ["internalParameters"] = InternalParameters(inputs),
            ["resolvedDependencies"] = new JsonArray([
                new JsonObject
                {
                    ["uri"] = SourceDependencyUri(inputs.SourceUrl, inputs.Ref),
                    ["digest"] = new JsonObject { ["gitCommit"] = inputs.Sha },
                },
                .. ImageDependencies(inputs)]),
        },
        ["runDetails"] = new JsonObject
        {
            ["builder"] = new JsonObject { ["id"] = inputs.Run.BuilderId },
            ["metadata"] = new JsonObject
            {
                ["invocationId"] = inputs.Run.InvocationId,
                ["startedOn"] = inputs.Run.StartedOn.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ"),
            },
        },
    };

    public static string PredicateJson(ProvenanceInputs inputs) =>
        Predicate(inputs).ToJsonString(new JsonSerializerOptions { WriteIndented = true }).Replace("\r\n", "\n") + "\n";

    /// <summary>
    /// The source as a resolved dependency: git+&lt;remote&gt;@&lt;ref&gt; (the SLSA convention), or the git+file URI of a
    /// repository without a remote; outside any repository only the ref (the commit digest still identifies it).
    /// </summary>
    static string SourceDependencyUri(string source, string gitRef) =>
        source.StartsWith("git+", StringComparison.Ordinal) ? $"{source}@{gitRef}" : source.Length > 0 ? $"git+{source}@{gitRef}" : $"git+{gitRef}";

    /// <summary>
    /// The event and the bake inputs' digests. One Bake for every platform ran one override (bakeOverrideDigest); native
    /// per-platform jobs each ran their own, so each platform's is recorded (bakeOverrideDigests), not the merge job's.
    /// </summary>
    static JsonObject InternalParameters(ProvenanceInputs inputs)
    {
        var parameters = new JsonObject { ["event"] = inputs.EventName, ["bakeFileDigest"] = inputs.BakeFileDigest };
        var digests = inputs.BakeOverrides.Select(o => o.Digest).Distinct().ToList();
        if (digests.Count == 1) parameters["bakeOverrideDigest"] = digests[0];
        else if (digests.Count > 1)
            parameters["bakeOverrideDigests"] = new JsonObject(inputs.BakeOverrides.Select(o => KeyValuePair.Create(o.Platform, (JsonNode?)o.Digest)));
        return parameters;
    }

    /// <summary>
    /// Every external image the build pulled (FROM, COPY --from, RUN --mount), the final stage's base named
    /// "base-image"; each with its index digest and, in annotations, how it was used and each platform's manifest digest.
    /// </summary>
    static IEnumerable<JsonObject> ImageDependencies(ProvenanceInputs inputs)
    {
        var images = inputs.Images is { Count: > 0 } used ? used
            : inputs.BaseImage is { } b ? [new ResolvedImage(b.Reference, b.Digest, [], "FROM")] : [];
        foreach (var image in images)
        {
            var isBase = inputs.BaseImage is { } baseImage && baseImage.Reference == image.Reference && image.Use == "FROM";
            var annotations = new JsonObject { ["use"] = image.Use };
            if (image.Platforms.Count > 0)
                annotations["platforms"] = new JsonObject(image.Platforms.Select(p => KeyValuePair.Create(p.Platform, (JsonNode?)p.Digest)));
            yield return new JsonObject
            {
                ["uri"] = "pkg:docker/" + image.Reference,
                ["name"] = isBase ? "base-image" : "build-image",
                ["digest"] = DigestObject(image.Digest),
                ["annotations"] = annotations,
            };
        }
    }

    static JsonObject DigestObject(string digest)
    {
        var separator = digest.IndexOf(':');
        return separator < 0 ? new JsonObject { ["sha256"] = digest } : new JsonObject { [digest[..separator]] = digest[(separator + 1)..] };
    }
}
