namespace Pipeline.Retention;

/// <summary>
/// Decides, without I/O, which versions of one image repository to delete. Tagged images are judged by
/// their tags and age; then everything a kept image references survives with it (an index's platform
/// manifests, cosign's tag-based signatures/attestations/SBOMs and OCI referrers, transitively), and what
/// deleted images reference goes with them, so no signature is left orphaned and no kept image breaks.
/// </summary>
public sealed class RetentionPlanner(ImagePolicy policy, IReadOnlyCollection<string> permutationIds)
{
    private readonly TagPattern[] _keepForever = Compile(policy.KeepForever, permutationIds);
    private readonly TagPattern[] _defaultBranch = Compile(policy.DefaultBranch.Tags, permutationIds);
    private readonly TagPattern[] _pullRequests = Compile(policy.PullRequests.Tags, permutationIds);
    private readonly TagPattern[] _unpublished = Compile(policy.UnpublishedTags.Tags, permutationIds);

    public RetentionPlan Plan(IReadOnlyList<RegistryVersion> versions, DateTimeOffset now)
    {
        var graph = new VersionGraph(versions);
        var decisions = new Dictionary<string, (bool Keep, string Reason)>();
        var defaultBranchGroups = new Dictionary<string, List<RegistryVersion>>();

        foreach (var root in graph.Roots)
        {
            if (root.Tags.FirstOrDefault(t => _keepForever.Any(p => p.Matches(t))) is { } forever)
                decisions[root.Digest] = (true, $"tag {forever} is kept forever");
            if (DefaultBranchPermutation(root) is { } permutation) GroupOf(defaultBranchGroups, permutation).Add(root);
            else if (!decisions.ContainsKey(root.Digest)) decisions[root.Digest] = DecideByAge(root, now);
        }
        foreach (var (permutation, group) in defaultBranchGroups)
            RankDefaultBranch(permutation, group, decisions);

        var kept = Close(graph, decisions);
        return Assemble(graph, kept, decisions);
    }

    /// <summary>The permutation a default-branch build belongs to ("" when its tag names none), or null when it is not one.</summary>
    private string? DefaultBranchPermutation(RegistryVersion root)
    {
        foreach (var tag in root.Tags)
            foreach (var pattern in _defaultBranch)
                if (pattern.Matches(tag, out var permutation)) return permutation;
        return null;
    }

    /// <summary>
    /// Untagged, unpublished (only temporary tags) and pull-request-only images age out; an image with a tag the policy
    /// does not name is left alone. Temporary tags never keep an image: they are set on every build, published or not.
    /// </summary>
    private (bool Keep, string Reason) DecideByAge(RegistryVersion root, DateTimeOffset now)
    {
        var age = root.Created is { } created ? now - created : (TimeSpan?)null;
        if (root.Tags.Count == 0)
            return Aged(age, policy.Untagged.OlderThanDays, "untagged");
        var tags = root.Tags.Where(t => !_unpublished.Any(p => p.Matches(t))).ToList();
        if (tags.Count == 0)
            return Aged(age, policy.UnpublishedTags.OlderThanDays, $"unpublished: only temporary tags ({string.Join(", ", root.Tags)})");
        if (tags.FirstOrDefault(t => !_pullRequests.Any(p => p.Matches(t))) is { } unmanaged)
            return (true, $"tag {unmanaged} is not named by the policy, so it is left alone");
        return Aged(age, policy.PullRequests.OlderThanDays, $"pull-request only ({string.Join(", ", tags)})");
    }

    private static (bool, string) Aged(TimeSpan? age, int olderThanDays, string what) => age switch
    {
        null => (true, $"{what}, creation time unknown, so it is kept"),
        { } a when a > TimeSpan.FromDays(olderThanDays) => (false, $"{what} and {(int)a.TotalDays} days old (limit {olderThanDays})"),
        { } a => (true, $"{what} but only {(int)a.TotalDays} days old (limit {olderThanDays})"),
    };

    private void RankDefaultBranch(string permutation, List<RegistryVersion> group, Dictionary<string, (bool, string)> decisions)
    {
        var name = permutation == "" ? "the repository" : permutation;
        var newestFirst = group
            .OrderByDescending(v => v.Created ?? DateTimeOffset.MaxValue) // unknown age counts as newest: never delete on a guess
            .ThenBy(v => v.Digest, StringComparer.Ordinal)
            .ToList();
        var keep = policy.DefaultBranch.KeepNewest;
        // Builds pinned by a kept-forever tag (main's mutable tag, a release) count towards N but are never deleted.
        for (var i = 0; i < newestFirst.Count; i++)
            if (!decisions.ContainsKey(newestFirst[i].Digest))
                decisions[newestFirst[i].Digest] = i < keep
                ? (true, $"default branch: newest {i + 1} of {keep} kept for {name}")
                : (false, $"default branch: {keep} newer builds of {name} are kept");
    }

    /// <summary>Kept roots plus, transitively, every platform manifest and attachment they reference.</summary>
    private static Dictionary<string, string> Close(VersionGraph graph, Dictionary<string, (bool Keep, string Reason)> decisions)
    {
        var kept = decisions.Where(d => d.Value.Keep).ToDictionary(d => d.Key, d => d.Value.Reason);
        var queue = new Queue<string>(kept.Keys.Order(StringComparer.Ordinal));
        while (queue.TryDequeue(out var digest))
        {
            var referenced = graph.ChildrenOf(digest).Select(c => (c, $"platform manifest of kept {Short(digest)}"))
                .Concat(graph.AttachmentsOf(digest).Select(a => (a.Digest, $"{Describe(graph.RoleOf(a))} of kept {Short(digest)}")));
            foreach (var (child, reason) in referenced)
                if (graph.Contains(child) && kept.TryAdd(child, reason)) queue.Enqueue(child);
        }
        return kept;
    }

    private static RetentionPlan Assemble(VersionGraph graph, Dictionary<string, string> kept, Dictionary<string, (bool Keep, string Reason)> decisions)
    {
        var deletions = new List<PlannedDeletion>();
        foreach (var version in graph.Versions.Where(v => !kept.ContainsKey(v.Digest)))
            deletions.Add(new PlannedDeletion(version, graph.RoleOf(version), DeletionReason(graph, version, decisions)));

        // Images first (their tags disappear first), then their platform manifests, then attachments:
        // an interrupted run leaves at worst an orphaned signature, which the next run removes.
        var ordered = deletions
            .OrderBy(d => d.Role switch { VersionRole.Image => 0, VersionRole.PlatformManifest => 1, _ => 2 })
            .ThenBy(d => d.Version.Created ?? DateTimeOffset.MinValue)
            .ThenBy(d => d.Version.Digest, StringComparer.Ordinal)
            .ToList();
        var keptList = graph.Versions.Where(v => kept.ContainsKey(v.Digest))
            .Select(v => new KeptVersion(v, graph.RoleOf(v), kept[v.Digest]))
            .ToList();
        return new RetentionPlan(ordered, keptList);
    }

    private static string DeletionReason(VersionGraph graph, RegistryVersion version, Dictionary<string, (bool Keep, string Reason)> decisions)
    {
        if (decisions.TryGetValue(version.Digest, out var decision)) return decision.Reason;
        if (VersionGraph.SubjectOf(version) is { } subject)
            return graph.Contains(subject)
                ? $"{Describe(graph.RoleOf(version))} of deleted {Short(subject)}"
                : $"orphaned {Describe(graph.RoleOf(version))}: {Short(subject)} is not in the repository";
        var parents = graph.ParentsOf(version.Digest);
        return parents.Count > 0
            ? $"platform manifest of deleted {string.Join(", ", parents.Select(Short))}"
            : "unreferenced";
    }

    private static string Describe(VersionRole role) => role switch
    {
        VersionRole.Signature => "signature",
        VersionRole.Attestation => "attestation",
        VersionRole.Sbom => "SBOM",
        VersionRole.Referrer => "referrer",
        VersionRole.PlatformManifest => "platform manifest",
        _ => "image",
    };

    private static List<RegistryVersion> GroupOf(Dictionary<string, List<RegistryVersion>> groups, string key) =>
        groups.TryGetValue(key, out var list) ? list : groups[key] = [];

    internal static string Short(string digest) => digest.Length > 19 ? digest[..19] : digest;

    private static TagPattern[] Compile(IReadOnlyList<string> globs, IReadOnlyCollection<string> ids) =>
        globs.Select(g => new TagPattern(g, ids)).ToArray();
}
