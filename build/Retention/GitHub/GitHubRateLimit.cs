using System.Globalization;

namespace Pipeline.Retention.GitHub;

/// <summary>
/// Pure: whether a refused GitHub REST call was rate limiting, and the one line that says so. GitHub answers an
/// exhausted primary limit with 403 or 429 and <c>x-ratelimit-remaining: 0</c> (the window ends at
/// <c>x-ratelimit-reset</c>, UTC epoch seconds), and a secondary limit with 403 or 429, a message naming it and often
/// <c>retry-after</c> (seconds) — docs.github.com, "Troubleshooting the REST API". Both are a wait, not a missing scope.
/// </summary>
public static class GitHubRateLimit
{
    /// <summary>The explanation ("(403): rate limited ...") or null when the refusal was not rate limiting.</summary>
    /// <param name="headers">Response headers, names case-insensitive.</param>
    public static string? Explain(int status, IReadOnlyDictionary<string, string> headers, string? message)
    {
        if (status is not (403 or 429)) return null;
        string? Header(string name) => headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        if (Header("x-ratelimit-remaining") == "0")
        {
            var limit = Header("x-ratelimit-limit") is { } l ? $" of {l} requests" : "";
            var reset = long.TryParse(Header("x-ratelimit-reset"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch)
                ? " until " + DateTimeOffset.FromUnixTimeSeconds(epoch).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)
                : "";
            return $"({status}): rate limited: the token's GitHub API rate limit{limit} is used up{reset}; re-run after that (this is not a missing scope)";
        }
        var retryAfter = int.TryParse(Header("retry-after"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? seconds : (int?)null;
        var secondary = message?.Contains("secondary rate limit", StringComparison.OrdinalIgnoreCase) == true
            || message?.Contains("abuse", StringComparison.OrdinalIgnoreCase) == true;
        if (!secondary && retryAfter is null && status != 429) return null;
        var wait = retryAfter is { } s ? $"retry after {s} s" : "wait a few minutes and re-run";
        return $"({status}): rate limited: GitHub's secondary rate limit (too many requests in a short time); {wait} (this is not a missing scope)";
    }
}
