namespace Pipeline.Model;

/// <summary>
/// Every archive is written under a temporary name (<c>&lt;id&gt;.tar.partial</c>) and renamed to <c>&lt;id&gt;.tar</c>
/// only once it reads as a complete OCI image index, so a failed, killed or skipped Bake never leaves an empty or
/// partial <c>&lt;id&gt;.tar</c> that Scan, Sbom, Manifest or a later <c>--continue</c> could take for a real one.
/// (buildx also creates the output file of every target it merely prints, which is why the dest is never the final name.)
/// </summary>
public static class StagedArchive
{
    public const string PartialSuffix = ".partial";

    public static string PartialPath(string archive) => archive + PartialSuffix;

    /// <summary>Removes the temporary file (e.g. the empty one <c>bake --print</c> creates).</summary>
    public static void DiscardPartial(string archive) => File.Delete(PartialPath(archive));

    /// <summary>Before a permutation is rebuilt: its old archive is not this run's, so nothing may find it afterwards.</summary>
    public static void Discard(string archive)
    {
        File.Delete(archive);
        DiscardPartial(archive);
    }

    /// <summary>Checks the temporary file is a complete OCI archive, then renames it into place (atomic on one file system).</summary>
    public static OciArchiveInfo Commit(string archive, string permutationId)
    {
        var partial = PartialPath(archive);
        if (!File.Exists(partial))
            throw new InvalidOperationException($"Bake wrote no archive for {permutationId} at {partial}; check the bake file's output for target '{permutationId}'.");
        var info = OciArchive.Read(partial);
        File.Move(partial, archive, overwrite: true);
        return info;
    }
}
