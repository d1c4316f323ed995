using System.Text.Json;

namespace Pipeline.Rules;

/// <summary>What the protection check found: the refusals (each one line naming the setting) and the warnings.</summary>
public sealed record EnvironmentVerdict(IReadOnlyList<string> Problems, IReadOnlyList<string> Warnings);

/// <summary>
/// Pure: may a CI job that names a deployment environment (rollback.yml's) run? GitHub creates an environment that a job
/// names on first use, unprotected, so the environment alone guards nothing until someone configures it. Refused: a
/// run from another ref than the default branch, an environment that does not exist, and one without required
/// reviewers (anyone with write access could dispatch it). Plans that have no required reviewers for private
/// repositories (GitHub Free, Pro, Team) may allow it with <c>withoutReviewers</c>, and then need a deployment branch
/// policy instead. <paramref name="environment"/> is GET /repos/{owner}/{repo}/environments/{name} (docs.github.com,
/// REST, deployment environments): <c>protection_rules[].type</c> is required_reviewers, wait_timer or branch_policy;
/// <c>deployment_branch_policy</c> is null when every branch may deploy.
/// </summary>
public static class EnvironmentProtection
{
    public const string WithoutReviewersVariable = "DEVCONTAINER_ROLLBACK_WITHOUT_REVIEWERS";

    public static EnvironmentVerdict Check(JsonElement? environment, string name, string gitRef, string defaultBranch, bool withoutReviewers)
    {
        var problems = new List<string>();
        var warnings = new List<string>();
        var settings = $"Settings → Environments → {name}";
        if (gitRef != "refs/heads/" + defaultBranch)
            problems.Add($"This job runs in the environment '{name}' only from the default branch {defaultBranch}, not from {gitRef}; run the workflow on {defaultBranch}.");
        if (environment is not { } e)
        {
            problems.Add($"The deployment environment '{name}' does not exist in this repository; create it in {settings} and add required reviewers.");
            return new(problems, warnings);
        }
        var rules = e.TryGetProperty("protection_rules", out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().ToList() : [];
        var reviewers = rules.FirstOrDefault(rule => Type(rule) == "required_reviewers");
        var branchPolicy = e.TryGetProperty("deployment_branch_policy", out var p) && p.ValueKind == JsonValueKind.Object;
        if (reviewers.ValueKind == JsonValueKind.Object)
        {
            if (!(reviewers.TryGetProperty("prevent_self_review", out var self) && self.ValueKind == JsonValueKind.True))
                warnings.Add($"The environment '{name}' lets the person who starts a run approve it; tick 'Prevent self-review' in {settings}.");
        }
        else if (!withoutReviewers)
            problems.Add($"The deployment environment '{name}' has no required reviewers, so anyone with write access can run this job; add required reviewers in {settings} " +
                $"(on a plan without them for private repositories, set the repository variable {WithoutReviewersVariable}=true and add a deployment branch rule for {defaultBranch}).");
        else if (!branchPolicy)
            problems.Add($"The deployment environment '{name}' has neither required reviewers nor a deployment branch policy; with {WithoutReviewersVariable}=true, " +
                $"limit it to {defaultBranch} in {settings} → Deployment branches and tags.");
        else
            warnings.Add($"The environment '{name}' has no required reviewers ({WithoutReviewersVariable}=true): anyone with write access to {defaultBranch}'s workflows can run this job.");
        return new(problems, warnings);
    }

    static string? Type(JsonElement rule) => rule.TryGetProperty("type", out var t) ? t.GetString() : null;
}
