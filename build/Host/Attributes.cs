namespace Pipeline.Host;

/// <summary>Marks a field or property as a build parameter, bound from the command line, environment and .nuke/parameters.json.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ParameterAttribute(string? description = null) : Attribute
{
    public string? Description { get; } = description;
    /// <summary>Overrides the member name as the parameter's name (used for the flag, the environment and the schema).</summary>
    public string? Name { get; set; }
}

/// <summary>A parameter whose value is masked in every log line and never echoed by --help.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;
