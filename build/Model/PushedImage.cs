namespace Pipeline.Model;

/// <summary>
/// An image in a registry that the targets after Bake read by digest (artifacts/pushed/&lt;id&gt;.json): which permutation
/// and platforms, where, its index digest, the temporary tag it was pushed under (docker driver; null when pushed by
/// digest or published), and whether it is a published image reused with its verified attestations kept beside it
/// (<see cref="KeptEvidence"/>: Scan then re-scans its attested SBOMs instead of pulling its layers). An image only this
/// record names is not published: Publish signs and tags it.
/// </summary>
public sealed record PushedImage(int SchemaVersion, string Permutation, IReadOnlyList<string> Platforms, string Repository, string Digest,
    string? TemporaryTag = null, bool KeptEvidence = false)
{
    public const int CurrentSchemaVersion = 2;

    public string Reference => $"{Repository}@{Digest}";
}

/// <summary>Reads and writes artifacts/pushed/&lt;id&gt;.json (<see cref="RecordFile"/>).</summary>
public static class PushedImageStore
{
    public static string Serialize(PushedImage image) => RecordFile.Serialize(image);

    public static void Write(string path, PushedImage image) => RecordFile.Write(path, image);

    public static PushedImage Read(string path) => Parse(File.ReadAllText(path), path);

    public static PushedImage Parse(string json, string source) => RecordFile.Parse<PushedImage>(json, source, "a pushed-image record", PushedImage.CurrentSchemaVersion,
        i => i.SchemaVersion, i => i.Permutation is null || i.Platforms is null || i.Repository is null || i.Digest is null ? "it needs permutation, platforms, repository and digest" : null,
        "re-run Bake");
}
