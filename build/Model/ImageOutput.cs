namespace Pipeline.Model;

/// <summary>Where Bake leaves each image it builds.</summary>
public enum ImageOutput
{
    /// <summary>An OCI archive under artifacts/images/ (what Scan, Sbom, Manifest and Publish read; PR jobs upload it).</summary>
    Archive,
    /// <summary>
    /// Pushed untagged by digest to the image repository and recorded in artifacts/pushed/&lt;id&gt;.json; no archive is
    /// kept. CI's per-platform jobs on a push do this, so only small files travel as artifacts; MergePlatforms reads the
    /// images back by digest. Nothing is published: Publish tags and signs later.
    /// </summary>
    PushByDigest,
}
