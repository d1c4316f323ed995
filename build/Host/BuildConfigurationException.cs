namespace Pipeline.Host;

/// <summary>The build class itself is wrong (a cycle, an unknown reference); reported before anything runs.</summary>
public sealed class BuildConfigurationException(string message) : Exception(message);
