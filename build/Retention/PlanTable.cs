using System.Globalization;
using System.Text;

namespace Pipeline.Retention;

/// <summary>The plan as a Markdown table (the dry-run output, the log, artifacts/retention/plan.md).</summary>
public static class PlanTable
{
    public static string Format(RetentionPlan plan, string repository, bool dryRun)
    {
        var text = new StringBuilder();
        var verb = dryRun ? "would delete" : "deletes";
        text.AppendLine($"Retention of {repository}: {verb} {plan.Deletions.Count} of {plan.Deletions.Count + plan.Kept.Count} versions{(dryRun ? " (dry run: nothing is deleted; pass --dry-run false to delete)" : "")}");
        text.AppendLine();
        if (plan.Deletions.Count == 0)
        {
            text.AppendLine("Nothing to delete.");
            return text.ToString();
        }
        text.AppendLine("| # | Digest | Kind | Tags | Created | Reason |");
        text.AppendLine("|---|---|---|---|---|---|");
        var number = 0;
        foreach (var deletion in plan.Deletions)
            text.AppendLine($"| {++number} | {deletion.Version.ShortDigest} | {Kind(deletion.Role)} | {Tags(deletion.Version)} | {Created(deletion.Version)} | {deletion.Reason} |");
        return text.ToString();
    }

    public static string Kind(VersionRole role) => role switch
    {
        VersionRole.PlatformManifest => "platform manifest",
        VersionRole.Sbom => "sbom",
        _ => role.ToString().ToLowerInvariant(),
    };

    private static string Tags(RegistryVersion version) =>
        version.Tags.Count == 0 ? "-" : string.Join(", ", version.Tags.Select(t => CosignTags.SubjectOf(t) is null ? t : t[..Math.Min(t.Length, 19)] + "…" + Path.GetExtension(t)));

    private static string Created(RegistryVersion version) =>
        version.Created?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "unknown";
}
