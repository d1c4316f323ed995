using Pipeline.Host.Tooling;
using Serilog;

/// <summary>Whether a registry answers at all, asked before hours of work depend on it.</summary>
public static class RegistryProbe
{
    /// <summary>
    /// Lists the repository's tags with bounded retries. Any answer from the registry (tags, "name unknown", even
    /// "denied" for a repository not created yet) means it is reachable; only network failures make it unreachable.
    /// Returns null when reachable, else the reason.
    /// </summary>
    public static async Task<string?> UnreachableReasonAsync(ToolLocation skopeo, string repository, bool plainHttp, RetryPolicy retry, string workingDirectory)
    {
        try
        {
            await retry.RunAsync<bool>($"Reaching {repository}", async () =>
            {
                var command = skopeo.Command(Skopeo.ListTagsArguments(repository, plainHttp), [], workingDirectory);
                var result = await ToolRunner.RunAsync(command.Executable, command.Arguments, workingDirectory, command.Environment, logOutput: false);
                return (result.Succeeded || !RetryPolicy.IsTransient(result.StandardError), true, result.StandardError);
            }, log: message => Log.Warning("{Message:l}", message));
            return null;
        }
        catch (RegistryOperationException e)
        {
            return e.Message;
        }
    }
}
