namespace Pipeline.Model;

/// <summary>One image Bake pushed by digest (untagged): which permutation and platforms, where, and its index digest.</summary>
public sealed record PushedImage(int SchemaVersion, string Permutation, IReadOnlyList<string> Platforms, string Repository, string Digest)
{
    public const int CurrentSchemaVersion = 1;

    public string Reference => $"{Repository}@{Digest}";
}

/// <summary>Reads and writes artifacts/pushed/&lt;id&gt;.json (<see cref="RecordFile"/>).</summary>
public static class PushedImageStore
{
    public static string Serialize(PushedImage image) => RecordFile.Serialize(image);

    public static void Write(string path, PushedImage image) => RecordFile.Write(path, image);

    public static PushedImage Parse(string json, string source) => RecordFile.Parse<PushedImage>(json, source, "a pushed-image record", PushedImage.CurrentSchemaVersion,
        i => i.SchemaVersion, i => i.Permutation is null || i.Platforms is null || i.Repository is null || i.Digest is null ? "it needs permutation, platforms, repository and digest" : null,
        "re-run Bake --image-output push-by-digest");
}
