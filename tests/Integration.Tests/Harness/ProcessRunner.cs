using System.Diagnostics;
using System.Text;

namespace Integration.Tests.Harness;

/// <summary>What a child process did: exit code, its streams, and both interleaved as they arrived.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, string Output)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs a child process from an argument list (never a shell string) with the toolchain's environment applied,
/// streaming each line to an optional sink (the test's output helper). Kills the process tree on timeout.
/// </summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <param name="interruptOn">When set, the process gets SIGINT (what Ctrl-C sends) once a line containing it appears.</param>
    public static Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments,
        string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null,
        Action<string>? onLine = null, TimeSpan? timeout = null, string? interruptOn = null) =>
        RunCoreAsync(StartInfo(fileName, arguments, workingDirectory, environment), onLine, timeout, interruptOn);

    /// <summary>For reading the toolchain's own environment: the process's environment as it is.</summary>
    internal static Task<ProcessResult> RunWithoutToolchainAsync(string fileName, IEnumerable<string> arguments) =>
        RunCoreAsync(StartInfo(fileName, arguments, Directory.GetCurrentDirectory(), null, withToolchain: false), null, TimeSpan.FromSeconds(30));

    static async Task<ProcessResult> RunCoreAsync(ProcessStartInfo startInfo, Action<string>? onLine, TimeSpan? timeout, string? interruptOn = null)
    {
        var fileName = startInfo.FileName;
        var arguments = startInfo.ArgumentList;
        using var process = new Process { StartInfo = startInfo };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var all = new StringBuilder();
        var interrupted = 0;
        void Append(StringBuilder own, string? line)
        {
            if (line is null) return;
            lock (all)
            {
                own.AppendLine(line);
                all.AppendLine(line);
            }
            onLine?.Invoke(line);
            if (interruptOn is not null && line.Contains(interruptOn, StringComparison.Ordinal) && Interlocked.Exchange(ref interrupted, 1) == 0)
                using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        }
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        Start(process, fileName);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitAsync(process, fileName, arguments, timeout);
        lock (all) return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString(), all.ToString());
    }

    /// <summary>Runs and keeps standard output as exact bytes (for digests of what a tool printed).</summary>
    public static async Task<(int ExitCode, byte[] StandardOutput, string StandardError)> RunForBytesAsync(string fileName,
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        using var process = new Process { StartInfo = StartInfo(fileName, arguments, null, environment) };
        Start(process, fileName);
        using var buffer = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(buffer);
        var error = process.StandardError.ReadToEndAsync();
        await WaitAsync(process, fileName, arguments, timeout);
        await copy;
        return (process.ExitCode, buffer.ToArray(), await error);
    }

    static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, string? workingDirectory,
        IReadOnlyDictionary<string, string?>? environment, bool withToolchain = true)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // closed at once: a child never waits for input
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        if (withToolchain)
            foreach (var (name, value) in ToolchainEnvironment.Variables) info.Environment[name] = value;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        // Process.Start searches the parent's PATH; the child's (the toolchain's) is the one that counts here.
        info.FileName = FindExecutable(fileName, info.Environment.TryGetValue("PATH", out var path) ? path : null) ?? fileName;
        return info;
    }

    /// <summary>A bare command name looked up on <paramref name="path"/>; names with a directory are kept.</summary>
    public static string? FindExecutable(string command, string? path)
    {
        if (command.Contains('/')) return command;
        return (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);
    }

    static void Start(Process process, string fileName)
    {
        try { process.Start(); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start '{fileName}': {e.Message}. Is it installed and on PATH?", e);
        }
        process.StandardInput.Close();
    }

    static async Task WaitAsync(Process process, string fileName, IEnumerable<string> arguments, TimeSpan? timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within {timeout ?? DefaultTimeout}.");
        }
        process.WaitForExit(); // drains the asynchronous output readers
    }
}
