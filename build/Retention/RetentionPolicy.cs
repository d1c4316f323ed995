using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Retention;

/// <summary>
/// The committed retention policy (retention-policy.json at the root; docs/retention.md explains it).
/// Parsed strictly: an unknown key, a missing section or an out-of-range number is one clear error line.
/// </summary>
public sealed record RetentionPolicy(ImagePolicy Images, ArtifactPolicy Artifacts)
{
    public const string DefaultFileName = "retention-policy.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static RetentionPolicy Load(string path)
    {
        if (!File.Exists(path))
            throw new RetentionPolicyException($"Retention policy {path} does not exist; pass --retention-policy <file> or restore {DefaultFileName} at the repository root.");
        return Parse(File.ReadAllText(path), path);
    }

    public static RetentionPolicy Parse(string json, string source)
    {
        RetentionPolicyFile? file;
        try
        {
            file = JsonSerializer.Deserialize<RetentionPolicyFile>(json, Options);
        }
        catch (JsonException e)
        {
            var where = e.Path is null ? "" : $" at {e.Path}";
            throw new RetentionPolicyException($"Retention policy {source} is invalid{where}: {FirstLine(e.Message)} Fix the file (docs/retention.md lists every key).");
        }
        if (file is null) throw new RetentionPolicyException($"Retention policy {source} is empty; write the policy object described in docs/retention.md.");
        var policy = new RetentionPolicy(file.Images, file.Artifacts);
        policy.Validate(source);
        return policy;
    }

    private void Validate(string source)
    {
        void Require(bool ok, string problem)
        {
            if (!ok) throw new RetentionPolicyException($"Retention policy {source}: {problem}");
        }
        Require(Images.DefaultBranch.KeepNewest >= 1, "images.defaultBranch.keepNewest must be at least 1 (the image main points at must survive).");
        Require(Images.PullRequests.OlderThanDays >= 1, "images.pullRequests.olderThanDays must be at least 1 day.");
        Require(Images.Untagged.OlderThanDays >= 1, "images.untagged.olderThanDays must be at least 1 day (younger untagged manifests may belong to a push in progress).");
        Require(Images.UnpublishedTags.OlderThanDays >= 1, "images.unpublished.olderThanDays must be at least 1 day (a younger image may belong to a build not yet published).");
        Require(Artifacts.RetentionDays is >= 1 and <= 90, "artifacts.retentionDays must be between 1 and 90 (GitHub's limit for workflow artifacts).");
        foreach (var (name, globs) in new[] { ("images.keepForever", Images.KeepForever), ("images.defaultBranch.tags", Images.DefaultBranch.Tags),
                     ("images.pullRequests.tags", Images.PullRequests.Tags), ("images.unpublished.tags", Images.UnpublishedTags.Tags) })
        {
            Require(globs.Count > 0, $"{name} must list at least one tag pattern.");
            Require(globs.All(g => !string.IsNullOrWhiteSpace(g) && g.Trim('*', '?') != ""), $"{name} has an empty or match-everything pattern; name the tags explicitly.");
        }
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n')[0].Trim();
        var cut = line.IndexOf(" Path:", StringComparison.Ordinal);
        line = cut > 0 ? line[..cut] : line;
        return line.EndsWith('.') ? line : line + ".";
    }

    private sealed record RetentionPolicyFile(ImagePolicy Images, ArtifactPolicy Artifacts)
    {
        [JsonPropertyName("$schema")] public string? Schema { get; init; }
        [JsonPropertyName("$comment")] public string? Comment { get; init; }
    }
}

/// <summary>
/// Which registry versions survive. <see cref="Unpublished"/>: the temporary tags a docker-driver build pushes under
/// (<see cref="Pipeline.Rules.TagPolicy.UnpublishedTag"/>); a version only they name was never published and ages out
/// like an untagged one, and they never keep a version alive. A policy that leaves it out gets
/// <see cref="DefaultUnpublished"/> with the untagged age.
/// </summary>
public sealed record ImagePolicy(
    IReadOnlyList<string> KeepForever,
    DefaultBranchPolicy DefaultBranch,
    AgedTagPolicy PullRequests,
    UntaggedPolicy Untagged,
    AgedTagPolicy? Unpublished = null)
{
    public static readonly IReadOnlyList<string> DefaultUnpublished = [Pipeline.Rules.TagPolicy.UnpublishedPrefix + "*"];

    public AgedTagPolicy UnpublishedTags => Unpublished ?? new AgedTagPolicy(DefaultUnpublished, Untagged.OlderThanDays);
}

/// <summary>Tags a default-branch build gets; the newest <see cref="KeepNewest"/> versions per permutation survive.</summary>
public sealed record DefaultBranchPolicy(IReadOnlyList<string> Tags, int KeepNewest);

/// <summary>Versions carrying only these tags are deleted once older than <see cref="OlderThanDays"/>.</summary>
public sealed record AgedTagPolicy(IReadOnlyList<string> Tags, int OlderThanDays);

public sealed record UntaggedPolicy(int OlderThanDays);

/// <summary>How long the generated workflows keep uploaded artifacts.</summary>
public sealed record ArtifactPolicy(int RetentionDays);

public sealed class RetentionPolicyException(string message) : Exception(message);
