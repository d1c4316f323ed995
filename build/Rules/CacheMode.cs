namespace Pipeline.Rules;

/// <summary>Where buildx keeps layers between runs: <c>--cache registry|local|none</c>.</summary>
public enum CacheMode
{
    /// <summary>A cache repository beside the image (<c>&lt;image&gt;-cache:&lt;id&gt;-main</c>), shared by every runner.</summary>
    Registry,
    /// <summary>A directory on this machine (<c>.nuke/temp/buildx-cache/&lt;id&gt;</c>), for laptops.</summary>
    Local,
    /// <summary>No exported cache; the builder's own cache still applies.</summary>
    None,
    /// <summary>The registry cache read only (the main scope), nothing exported: for a job whose token cannot write
    /// packages, such as a same-repository pull request's (`packages: read`), whose export the registry would refuse.</summary>
    RegistryRead,
}
