namespace Tests.Shared;

/// <summary>
/// Starts a process with SIGINT at its default disposition, for tests that send it Ctrl-C's signal. A test run started
/// in the background of a non-interactive shell (a CI script's `cmd &`) inherits SIGINT ignored, and an ignored signal
/// stays ignored across exec: .NET then installs no Ctrl-C handler and a shell cannot trap it, so the interruption under
/// test would never happen. GNU env's --default-signal resets it before exec (the process keeps env's pid).
/// </summary>
public static class DefaultSigInt
{
    public const string Command = "/usr/bin/env";

    public static readonly IReadOnlyList<string> Prefix = ["--default-signal=INT"];
}
