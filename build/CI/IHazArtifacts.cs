using Pipeline.Host;

namespace Pipeline.CI;

/// <summary>As NUKE's component of that name: the folder a build writes what its targets produce to (--artifacts).</summary>
public interface IHazArtifacts
{
    AbsolutePath ArtifactsDirectory { get; }
}
