// The host keeps per-process state (root directory, host kind, Serilog's static logger, registered secrets),
// exactly like NUKE; the tests run one build at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
