namespace Integration.Tests.Rehearsal;

/// <summary>A step's outcome (success, failure, skipped) and what it printed.</summary>
public sealed record StepReport(string Name, string Outcome, string Output);

/// <summary>One job instance (one matrix combination): result, permissions, steps and the registry requests made with its token.</summary>
public sealed record JobReport(string Id, string DisplayName, string Result, IReadOnlyDictionary<string, string> Permissions,
    IReadOnlyList<StepReport> Steps, IReadOnlyList<RegistryRequest> RegistryRequests)
{
    /// <summary>
    /// Requests the registry refused for good: every 403 (a read-only token writing), and every 401 that no later
    /// request of the job for the same method and path got past (clients ask anonymously first and retry with
    /// credentials after the 401 challenge), except the `/v2/` ping, whose 401 only tells the client how to authenticate.
    /// A cache import or export that failed quietly (ignore-error) shows up here.
    /// </summary>
    public IReadOnlyList<RegistryRequest> Refused => RegistryRequests
        .Select((request, index) => (request, index))
        .Where(r => r.request.Status == 403 || (r.request.Status == 401 && r.request.Path != "/v2/" && !RegistryRequests.Skip(r.index + 1)
            .Any(later => later.Method == r.request.Method && later.Path == r.request.Path && later.Status is not (401 or 403))))
        .Select(r => r.request).ToList();

    public StepReport Step(string namePrefix) =>
        Steps.FirstOrDefault(s => s.Name.StartsWith(namePrefix, StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"job {DisplayName} has no step '{namePrefix}...': {string.Join(", ", Steps.Select(s => s.Name))}");
}

/// <summary>
/// A rehearsed run: every job instance in the order it ran, plus the matrix combinations left out on purpose. It
/// succeeded when no job failed and the registry refused no request of any job.
/// </summary>
public sealed record RehearsalReport(IReadOnlyList<JobReport> Jobs, IReadOnlyList<string> LeftOut)
{
    public bool Succeeded => Jobs.All(j => j.Result is "success" or "skipped") && Jobs.All(j => j.Refused.Count == 0);

    public IReadOnlyList<JobReport> Of(string jobId) => Jobs.Where(j => j.Id == jobId).ToList();

    /// <summary>Every reason the run is not green, one line each.</summary>
    public IReadOnlyList<string> Failures =>
        Jobs.SelectMany(j => j.Steps.Where(s => s.Outcome == "failure").Select(s => $"{j.DisplayName}: step '{s.Name}' failed: {LastLines(s.Output)}")
            .Concat(j.Refused.GroupBy(r => (r.Method, r.Status)).Select(g =>
                $"{j.DisplayName}: the registry refused {g.Count()} {g.Key.Method} request(s) with {g.Key.Status}, e.g. {g.First().Path}"))
            .Concat(j.Result == "failure" && j.Steps.All(s => s.Outcome != "failure") ? [$"{j.DisplayName}: failed"] : []))
        .ToList();

    public string Summary => string.Join("\n", Jobs.Select(j => $"{j.Result,-8} {j.DisplayName}").Concat(Failures.Select(f => "  " + f)));

    static string LastLines(string output) =>
        string.Join(" | ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}
