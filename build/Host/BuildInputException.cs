namespace Pipeline.Host;

/// <summary>The user's input is wrong (an unknown target or flag, a bad value, a missing parameter); exit 2.</summary>
public sealed class BuildInputException(string message) : Exception(message);
