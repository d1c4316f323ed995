namespace Pipeline.Model;

/// <summary>One external image the selected image targets pull: where it is written and which permutations use it.</summary>
/// <param name="Use">How the Dockerfile uses it: <c>FROM</c>, <c>COPY --from</c> or <c>RUN --mount</c>.</param>
public sealed record ExternalImage(string Reference, string Dockerfile, int Line, string Use, IReadOnlyList<string> PermutationIds)
{
    public bool IsPinned => BaseImage.DigestIn(Reference) is not null;

    /// <summary>What a registry or the image store is asked for: <c>name@digest</c> when pinned (skopeo refuses a tag beside a digest).</summary>
    public string LookupReference => BaseImage.DigestIn(Reference) is { } digest ? WithoutTag(Reference.Split('@')[0]) + "@" + digest : Reference;

    static string WithoutTag(string name)
    {
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[..colon] : name;
    }
}

/// <summary>What the registry and the local image store said about one external image, before anything is built.</summary>
/// <param name="InLocalStore">Whether the docker image store holds it (asked only when the registry did not answer with it).</param>
public sealed record ExternalImageAnswer(ExternalImage Image, RegistryAnswer Registry, bool InLocalStore);
