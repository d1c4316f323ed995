using Xunit;

// The host logs through Serilog's static Log.Logger and keeps the root in a static property, as NUKE does;
// test classes that run builds would replace each other's logger if they ran in parallel.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
