using Pipeline.Host.Tooling;

namespace Pipeline.Rules;

/// <summary>
/// Bounded retries with exponential backoff for registry operations. Only failures that look like the network
/// (refused, reset, dropped, timed out, 5xx, 429) are retried; anything else fails at once.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan InitialDelay, TimeSpan MaxDelay)
{
    public static readonly RetryPolicy Default = new(4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));

    /// <summary>
    /// Reads made before anything runs (the images a build pulls): a blip is retried, but an unreachable host is an answer
    /// within seconds (with <see cref="UpFrontAttemptTimeout"/> per attempt, at most about half a minute when packets are dropped).
    /// </summary>
    public static readonly RetryPolicy UpFront = new(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

    public static readonly TimeSpan UpFrontAttemptTimeout = TimeSpan.FromSeconds(10);

    static readonly string[] TransientMarkers =
    [
        "connection refused", "connection reset", "broken pipe", "EOF", "i/o timeout", "timeout awaiting", "TLS handshake timeout",
        "no such host", "server misbehaving", "503 Service Unavailable", "502 Bad Gateway", "504 Gateway Timeout",
        "500 Internal Server Error", "429 Too Many Requests", "TOOMANYREQUESTS", "unexpected EOF", "connection was closed",
    ];

    /// <summary>The wait before attempt <paramref name="attempt"/> (2 = first retry): Initial × 2^(attempt-2), capped.</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        if (attempt <= 1) return TimeSpan.Zero;
        var ticks = InitialDelay.Ticks * Math.Pow(2, attempt - 2);
        return TimeSpan.FromTicks((long)Math.Min(ticks, MaxDelay.Ticks));
    }

    public IReadOnlyList<TimeSpan> Delays() => Enumerable.Range(2, Math.Max(0, MaxAttempts - 1)).Select(DelayBefore).ToList();

    public static bool IsTransient(string errorText) =>
        TransientMarkers.Any(marker => errorText.Contains(marker, StringComparison.OrdinalIgnoreCase));

    /// <summary>Runs <paramref name="attempt"/> until it succeeds, fails permanently, or the attempts run out.</summary>
    public async Task<T> RunAsync<T>(string what, Func<Task<(bool Ok, T Value, string Error)>> attempt, Func<TimeSpan, Task>? wait = null, Action<string>? log = null)
    {
        wait ??= Task.Delay;
        var lastError = "";
        for (var number = 1; number <= MaxAttempts; number++)
        {
            var delay = DelayBefore(number);
            if (delay > TimeSpan.Zero)
            {
                log?.Invoke($"{what}: attempt {number}/{MaxAttempts} in {delay.TotalSeconds:0.#}s after a network error: {ToolOutput.LastLine(lastError)}");
                await wait(delay);
            }
            var (ok, value, error) = await attempt();
            if (ok) return value;
            lastError = error;
            if (!IsTransient(error))
                throw new RegistryOperationException($"{what} failed: {ToolOutput.LastLine(error)}");
        }
        throw new RegistryOperationException(
            // Not only registries: cosign's keyless verification reaches Sigstore's TUF, Fulcio and Rekor hosts too.
            $"{what} failed after {MaxAttempts} attempts ({ToolOutput.LastLine(lastError)}); check that the host it names is reachable (for a push, that the registry accepts pushes), then re-run (completed steps are skipped).");
    }
}

/// <summary>A registry operation failed for good; one line naming the operation, the cause and the fix.</summary>
public sealed class RegistryOperationException(string message) : Exception(message);
