using System.Runtime.InteropServices;
using Serilog;

namespace Pipeline.Host;

/// <summary>
/// Ctrl-C (SIGINT) stops a run the way it began: the running tools are interrupted (SIGINT to each, as a terminal sends
/// it to the whole process group, so a signal to this process alone does the same), each target's own clean-up still
/// runs (Bake removes the archives it began), the target ends Aborted, no later target starts, and the process exits
/// 130 (128 + SIGINT: what the shell reports for an interrupted NUKE build, whose process the signal ends). A second
/// Ctrl-C ends the process at once.
/// </summary>
public static class Interruption
{
    public const int ExitCode = 130;

    static volatile CancellationTokenSource s_requested = new();

    /// <summary>Whether the user interrupted this run.</summary>
    public static bool Requested => s_requested.IsCancellationRequested;

    /// <summary>Cancelled when the user interrupts the run.</summary>
    public static CancellationToken Token => s_requested.Token;

    /// <summary>One line naming what was interrupted and what to do: re-run (completed targets are skipped with --continue).</summary>
    public static string Describe(string what) =>
        $"{what} was interrupted (Ctrl-C): its tools were stopped and what it began was cleaned up where it could be; run it again to finish "
        + "(--continue skips the targets that succeeded).";

    /// <summary>Interrupts the run (what the Ctrl-C handler does; tests call it directly).</summary>
    internal static void Request()
    {
        if (Requested) return;
        Log.Warning("Interrupted (Ctrl-C): stopping the running tools and cleaning up; press Ctrl-C again to exit at once");
        s_requested.Cancel();
    }

    /// <summary>A fresh, uninterrupted state for a run (one process may run several builds: the tests).</summary>
    internal static void Reset() => s_requested = new CancellationTokenSource();

    internal static void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (Requested) return; // the second Ctrl-C: the default, the process ends now
        e.Cancel = true;
        Request();
    }

    /// <summary>Sends SIGINT to a tool this run started (on Windows the console delivers Ctrl-C to the tools itself).</summary>
    internal static void Interrupt(int processId)
    {
        if (!OperatingSystem.IsWindows()) _ = Kill(processId, SigInt);
    }

    const int SigInt = 2;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>A tool was not started, or stopped, because the user interrupted the run.</summary>
public sealed class BuildInterruptedException(string message) : Exception(message);
