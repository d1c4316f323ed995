using Pipeline.Host;
using Serilog;

/// <summary>
/// UpdateBasePin: the base image is pinned once, by digest, in a global ARG of the Dockerfile the bake file's image targets
/// build (<see cref="BasePins"/>); this resolves the pinned tag to the digest it has now and rewrites that one line.
/// The scheduled workflow (update-base-pin.yml) runs it and proposes the change as a pull request.
/// </summary>
partial class Build
{
    Target UpdateBasePin => _ => _
        .Description("Move each base image pin (a Dockerfile's global ARG <name>=<repository>:<tag>@sha256:…) to the digest its tag has now, "
            + "and write what moved to artifacts/base-pin.md; --dry-run true prints the change and writes no Dockerfile")
        .Reads(() => Artifacts, () => BakeFile, () => Permutations, () => DryRun)
        .Produces(Layout.BasePinChange)
        .Executes(async () =>
        {
            var (moved, current) = (new List<string>(), new List<string>());
            foreach (var dockerfile in await BasePinDockerfilesAsync())
            {
                var inRepository = dockerfile.Value.StartsWith(RootDirectory.Value + "/", StringComparison.Ordinal);
                var file = inRepository ? dockerfile.RelativeTo(RootDirectory) : dockerfile.Value;
                var text = File.ReadAllText(dockerfile);
                var pins = BasePins.Find(text);
                if (pins.Count == 0) throw new BuildInputException(BasePins.NonePinned(file));
                foreach (var pin in pins)
                {
                    var digest = await ImageReader(pin.TagReference).DigestOf(pin.TagReference)
                        ?? throw new BuildInputException($"{pin.TagReference} (pinned in {file}:{pin.Line}) is not in its registry; "
                            + $"fix the tag in {file}.");
                    var line = BasePins.Describe(file, pin, digest);
                    Log.Information("{Line:l}", line);
                    (digest == pin.Digest ? current : moved).Add(line);
                    text = digest == pin.Digest ? text : BasePins.Rewrite(text, pin, digest);
                }
                if (DryRun == true || text == File.ReadAllText(dockerfile)) continue;
                CosignKeys.WriteAtomically(dockerfile, text);
            }
            ArtifactsDirectory.CreateDirectory();
            File.WriteAllText(Layout.BasePinChange, BasePins.ChangeText(moved, current));
            AddSummary("base pins", moved.Count == 0 ? "current" : DryRun == true ? $"{moved.Count} would move (dry run)" : $"{moved.Count} moved");
        });

    /// <summary>The Dockerfiles the selected permutations' image targets build, from the static bake print (one each).</summary>
    async Task<IReadOnlyList<AbsolutePath>> BasePinDockerfilesAsync()
    {
        if (!BakeFilePath.FileExists())
            throw new BuildInputException($"Bake file {BakeFilePath} does not exist; pass --bake-file <path relative to the root>.");
        var definition = await ReadStaticBakeDefinitionAsync();
        var bakeDirectory = Path.GetDirectoryName(Path.GetFullPath(BakeFilePath))!;
        return SelectedPermutations.Select(p => definition.Targets.TryGetValue(p.BakeTarget, out var target) ? target
                : throw new BuildInputException($"{BakeFile} has no target '{p.BakeTarget}'; add it or drop it from --permutations."))
            .Select(target => target.DockerfilePath(bakeDirectory)).Distinct().Select(AbsolutePath.Create).ToList();
    }

    /// <summary>--plan: what UpdateBasePin would read and may rewrite (the digests are resolved only when it runs).</summary>
    IEnumerable<string> DescribePlannedBasePin(IReadOnlyCollection<string> plannedTargets) => !plannedTargets.Contains(nameof(UpdateBasePin)) ? []
        : ["", $"UpdateBasePin would resolve the tag of each base image pin (a global ARG <name>=<repository>:<tag>@sha256:…) in the "
            + $"Dockerfiles of {BakeFile}'s image targets ({string.Join(", ", SelectedPermutations.Select(p => p.Id))}) and rewrite each pin whose tag moved"
            + (DryRun == true ? "; --dry-run: it would only print the change." : "; --dry-run true shows the change without writing it.")];
}
