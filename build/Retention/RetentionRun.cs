using System.Text.Json;
using Serilog;

namespace Pipeline.Retention;

/// <summary>
/// One retention run over one repository: crawl, plan, print the table, and (unless a dry run) delete in
/// the plan's order. The plan is written to <c>&lt;artifacts&gt;/retention/</c> either way. A deletion that
/// fails stops the run with one line saying how far it got; re-running finishes it (deletes are idempotent).
/// </summary>
public sealed class RetentionRun(IRegistryBackend backend, RetentionPlanner planner, string repository)
{
    public async Task<RetentionPlan> ExecuteAsync(bool dryRun, DateTimeOffset now, string? outputDirectory, CancellationToken ct = default)
    {
        var versions = await new RepositoryCrawler(backend).CrawlAsync(ct);
        var plan = planner.Plan(versions, now);
        var table = PlanTable.Format(plan, repository, dryRun);
        Log.Information("{Table:l}", table);
        if (outputDirectory is not null) Write(outputDirectory, plan, table);
        if (dryRun) return plan;

        var done = 0;
        foreach (var deletion in plan.Deletions)
        {
            try
            {
                await backend.DeleteAsync(deletion.Version, ct);
            }
            catch (RegistryException e)
            {
                throw new RegistryException($"Retention stopped after {done} of {plan.Deletions.Count} deletions: {e.Message} Re-run Retention to finish.", e);
            }
            done++;
            Log.Information("Deleted {Kind} {Digest} ({Reason})", PlanTable.Kind(deletion.Role), deletion.Version.ShortDigest, deletion.Reason);
        }
        Log.Information("Deleted {Count} versions of {Repository}; kept {Kept}", done, repository, plan.Kept.Count);
        return plan;
    }

    private static void Write(string directory, RetentionPlan plan, string table)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "plan.md"), table);
        var json = new
        {
            deletions = plan.Deletions.Select(d => new { digest = d.Version.Digest, kind = PlanTable.Kind(d.Role), tags = d.Version.Tags, created = d.Version.Created, reason = d.Reason }),
            kept = plan.Kept.Select(k => new { digest = k.Version.Digest, kind = PlanTable.Kind(k.Role), tags = k.Version.Tags, created = k.Version.Created, reason = k.Reason }),
        };
        File.WriteAllText(Path.Combine(directory, "plan.json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
