namespace Pipeline.Host.Tooling;

/// <summary>One fully built tool invocation: executable, argument list and extra environment. Never a shell string.</summary>
public sealed record ToolCommand(string Executable, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string?> Environment)
{
    public override string ToString() => string.Join(" ", new[] { Executable }.Concat(Arguments).Select(a => a.Any(char.IsWhiteSpace) ? $"\"{a}\"" : a));
}
