namespace Pipeline.Model;

/// <summary>Where Bake leaves each image it builds.</summary>
public enum ImageOutput
{
    /// <summary>
    /// In a registry, untagged (push by digest, or a temporary tag on the docker driver: <see cref="ImageExport"/>),
    /// recorded in artifacts/pushed/&lt;id&gt;.json with a copy of its index in images/&lt;id&gt;.index.json; Scan and Sbom
    /// read it there by digest, MergePlatforms merges platforms there, Publish signs and tags it there. Which registry:
    /// <see cref="ImageStaging"/>. Nothing is published until Publish tags it.
    /// </summary>
    Registry,
    /// <summary>An OCI archive under artifacts/images/ (only when asked for: it streams every layer through the client).</summary>
    Archive,
}
