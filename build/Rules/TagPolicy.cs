using System.Text.RegularExpressions;

namespace Pipeline.Rules;

/// <summary>What to do with one tag at publish time.</summary>
public enum TagMove
{
    /// <summary>The tag does not exist yet: create it.</summary>
    Create,
    /// <summary>The tag already points at this digest: nothing to do (re-runs change nothing).</summary>
    Unchanged,
    /// <summary>A mutable tag points elsewhere: move it.</summary>
    Move,
}

/// <summary>An immutable tag already points at a different digest; moving it is refused.</summary>
public sealed class ImmutableTagException(string message) : Exception(message);

/// <summary>
/// Which tags a permutation gets, as a pure function of the build context (modelled on docker/metadata-action):
/// <list type="bullet">
/// <item>Default branch: <c>&lt;repo&gt;:&lt;id&gt;</c> (mutable, the latest main build) and
/// <c>&lt;repo&gt;:&lt;sha&gt;-&lt;id&gt;</c> (immutable). The sha is the FULL 40-hex commit id: unambiguous, and equal
/// to GITHUB_SHA and the <c>org.opencontainers.image.revision</c> label, so a tag maps to its commit without git.</item>
/// <item>Release tag vX.Y.Z: <c>vX.Y.Z-&lt;id&gt;</c> (immutable, never overwritten), plus mutable <c>vX.Y-&lt;id&gt;</c>
/// and, from 1.0.0 on, <c>vX-&lt;id&gt;</c>; those follow the most recently published release of that line. A
/// prerelease (v2.0.0-rc.1) gets only its full tag; '+build' becomes '-build' because '+' is not allowed in a tag.</item>
/// <item>Pull requests and local builds: no tags at all.</item>
/// </list>
/// </summary>
public static partial class TagPolicy
{
    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    /// <summary>
    /// The image repository for a registry prefix and image name. Repository paths must be lowercase, but GitHub's
    /// <c>github.repository_owner</c> keeps the owner's capitals and workflow expressions cannot lowercase it, so the
    /// whole reference is lowercased here (as docker/metadata-action does); hosts are case-insensitive anyway.
    /// </summary>
    public static string Repository(string registry, string imageName) =>
        $"{registry.TrimEnd('/')}/{imageName}".ToLowerInvariant();

    /// <summary>
    /// The start of every temporary tag: on the docker driver BuildKit cannot push untagged, so Bake pushes under
    /// <c>unpublished-&lt;id&gt;[-&lt;arch&gt;]</c>. Each build moves it, so there is at most one per permutation and platform;
    /// an image only it names is not published, and Retention deletes it (retention-policy.json, images.unpublished).
    /// </summary>
    public const string UnpublishedPrefix = "unpublished-";

    /// <summary>The temporary tag of a permutation's image; <paramref name="platform"/> when the build covers one platform of several.</summary>
    public static string UnpublishedTag(string permutationId, string? platform) =>
        UnpublishedPrefix + permutationId + (platform is null ? "" : "-" + CachePolicy.PlatformSlug(platform));

    /// <summary>Lowercase host[:port]/path, as a registry accepts it.</summary>
    public static bool IsValidRepository(string imageRepository) => RepositoryPattern().IsMatch(imageRepository);

    public static IReadOnlyList<ImageTag> TagsFor(BuildContext context, string imageRepository, string permutationId)
    {
        if (!IsValidRepository(imageRepository))
            throw new ArgumentException($"'{imageRepository}' is not a valid image repository (lowercase host[:port]/path); fix --registry or --image-name.");
        ImageTag Tag(string tag, bool mutable) =>
            TagPattern().IsMatch(tag) ? new ImageTag($"{imageRepository}:{tag}", mutable)
                : throw new ArgumentException($"'{tag}' is not a valid image tag (at most 128 of [A-Za-z0-9_.-]); check the permutation id and version.");

        switch (context.Mode)
        {
            case BuildMode.DefaultBranch:
                return [Tag(permutationId, mutable: true), Tag($"{context.Sha}-{permutationId}", mutable: false)];
            case BuildMode.ReleaseTag:
                var release = context.Release
                    ?? throw new ArgumentException($"Release build without a vMAJOR.MINOR.PATCH version ('{context.Version}'); tag the commit as vX.Y.Z.");
                var tags = new List<ImageTag> { Tag($"{release.TagText}-{permutationId}", mutable: false) };
                if (!release.IsPrerelease)
                {
                    tags.Add(Tag($"v{release.Major}.{release.Minor}-{permutationId}", mutable: true));
                    if (release.Major > 0) tags.Add(Tag($"v{release.Major}-{permutationId}", mutable: true));
                }
                return tags;
            default:
                return [];
        }
    }

    /// <summary>
    /// The tags of a default-branch build that fetches new packages (<see cref="ImageFreshness"/>: a refresh, or an image
    /// older than the maximum age) for the commit the published image was built from: a new image of a published commit,
    /// whose <c>&lt;sha&gt;-&lt;id&gt;</c> already names the commit's earlier image and never moves, so it gets the mutable
    /// tag only. Every other build gets <see cref="TagsFor(BuildContext, string, string)"/>.
    /// </summary>
    public static IReadOnlyList<ImageTag> TagsFor(BuildContext context, string imageRepository, string permutationId, bool refreshesPublishedCommit) =>
        refreshesPublishedCommit && context.Mode == BuildMode.DefaultBranch
            ? TagsFor(context, imageRepository, permutationId).Where(t => t.IsMutable).ToList()
            : TagsFor(context, imageRepository, permutationId);

    /// <summary>
    /// True for tags no run may ever move once they exist: <c>&lt;40-hex sha&gt;-&lt;id&gt;</c> and full release tags
    /// <c>vX.Y.Z[-pre]-&lt;id&gt;</c>. Decided from the tag text alone, so Publish and Rollback can check any tag they find.
    /// </summary>
    public static bool IsImmutable(string tag, string permutationId)
    {
        if (!tag.EndsWith("-" + permutationId, StringComparison.Ordinal)) return false;
        var head = tag[..^(permutationId.Length + 1)];
        if (ShaPattern().IsMatch(head)) return true;
        return ReleaseVersion.TryParse(head) is not null || ReleaseVersion.TryParse(PlusRestored(head)) is not null;
    }

    /// <summary>
    /// The pure check Publish and Rollback run before touching a tag. <paramref name="existingDigest"/> is what the
    /// registry holds now (null when the tag does not exist). Moving an immutable tag throws <see cref="ImmutableTagException"/>.
    /// </summary>
    public static TagMove CheckMove(ImageTag tag, string? existingDigest, string newDigest)
    {
        if (existingDigest is null) return TagMove.Create;
        if (string.Equals(existingDigest, newDigest, StringComparison.Ordinal)) return TagMove.Unchanged;
        if (!tag.IsMutable)
            throw new ImmutableTagException($"Refusing to move immutable tag {tag.Reference} from {existingDigest} to {newDigest}; immutable tags are never overwritten: publish a new commit or release version instead.");
        return TagMove.Move;
    }

    /// <summary>
    /// The tags of one manifest entry as the policy sees them: each must be in the entry's own repository and of a form
    /// the policy gives this permutation; its mutability comes from that form, never from the manifest's flag, and a
    /// flag that disagrees (an edited manifest) is refused, as is a <c>&lt;sha&gt;-&lt;id&gt;</c> tag of another commit.
    /// Publish and Rollback act only on what this returns, so a manifest cannot move an immutable tag or reach
    /// another repository.
    /// </summary>
    public static IReadOnlyList<ImageTag> OfManifestEntry(ManifestPermutation entry, string manifestSha)
    {
        var tags = new List<ImageTag>();
        foreach (var tag in entry.Tags)
        {
            void Refuse(string why) => throw new InvalidManifestException(
                $"Manifest tag {tag.Reference} of {entry.Id} {why}; a manifest names only the tags the tag policy gives, regenerate it with the Manifest target.");
            var colon = tag.Reference.LastIndexOf(':');
            var slash = tag.Reference.LastIndexOf('/');
            if (colon <= slash || tag.Reference.Contains('@'))
                Refuse("is not a repository:tag reference");
            var (repository, text) = (tag.Reference[..colon], tag.Reference[(colon + 1)..]);
            if (!string.Equals(repository, entry.Repository, StringComparison.Ordinal))
                Refuse($"is outside the entry's image repository {entry.Repository}");
            var immutable = IsImmutable(text, entry.Id);
            if (!immutable && !MutableForms(entry.Id).Any(form => form.IsMatch(text)))
                Refuse($"has a form the tag policy never gives ({entry.Id}, <sha>-{entry.Id}, vX.Y.Z-{entry.Id}, vX.Y-{entry.Id} or vX-{entry.Id})");
            if (immutable && text[..^(entry.Id.Length + 1)] is var head && ShaPattern().IsMatch(head) && head != manifestSha)
                Refuse($"names commit {head}, but the manifest is of commit {manifestSha}");
            if (tag.Mutable == immutable)
                Refuse($"is marked {(tag.Mutable ? "mutable" : "immutable")}, but the tag policy makes it {(immutable ? "immutable" : "mutable")}");
            tags.Add(new ImageTag(tag.Reference, !immutable));
        }
        return tags;
    }

    /// <summary>The mutable forms: <c>&lt;id&gt;</c>, <c>vX.Y-&lt;id&gt;</c> and <c>vX-&lt;id&gt;</c>.</summary>
    static Regex[] MutableForms(string permutationId) =>
    [
        new($"^{Regex.Escape(permutationId)}$"),
        new($@"^v(0|[1-9]\d*)\.(0|[1-9]\d*)-{Regex.Escape(permutationId)}$"),
        new($@"^v([1-9]\d*)-{Regex.Escape(permutationId)}$"),
    ];

    /// <summary>
    /// After writing an immutable tag, what the registry holds must be this run's digest: the registry has no
    /// compare-and-set, so two runs racing past <see cref="CheckMove"/> are told apart here, and the loser fails loudly.
    /// </summary>
    public static void CheckWritten(ImageTag tag, string? heldDigest, string writtenDigest)
    {
        if (tag.IsMutable || string.Equals(heldDigest, writtenDigest, StringComparison.Ordinal)) return;
        throw new ImmutableTagException(
            $"Another publish won immutable tag {tag.Reference}: it holds {heldDigest ?? "nothing"}, this run wrote {writtenDigest}; two runs of the same commit built different images. " +
            "Publishes must run one at a time (CI's concurrency group does this); find out why the images differ, and do not move the tag by hand.");
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex ShaPattern();

    // "v1.2.3-rc.1-build.5" may have come from "v1.2.3-rc.1+build.5"; the prerelease/build split is ambiguous,
    // so any vX.Y.Z-prefixed head counts as a release (conservative: immutable).
    private static string PlusRestored(string head) =>
        head.IndexOf('-') is var dash and > 0 && ReleaseVersion.TryParse(head[..dash]) is not null ? head[..dash] : head;
}
