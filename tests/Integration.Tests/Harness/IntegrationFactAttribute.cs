using Xunit;

namespace Integration.Tests.Harness;

/// <summary>
/// A [Fact] that needs the real container toolchain. xunit 2 has no dynamic skip, so the verdict is taken at
/// discovery: locally without the toolchain the test is skipped with one message naming the start command; with
/// CI=true it is not skipped, and <see cref="IntegrationTest"/>'s constructor fails it with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IntegrationFactAttribute : FactAttribute
{
    public IntegrationFactAttribute()
    {
        if (Toolchain.Verdict.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>The [Theory] counterpart of <see cref="IntegrationFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IntegrationTheoryAttribute : TheoryAttribute
{
    public IntegrationTheoryAttribute()
    {
        if (Toolchain.Verdict.SkipReason is { } reason) Skip = reason;
    }
}
