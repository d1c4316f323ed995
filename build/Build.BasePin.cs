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

    /// <summary>Where the scheduled workflow proposes a moved pin: force-moved each run, so one pull request stays open and current.</summary>
    public const string BasePinBranch = "devcontainer/update-base-pin";

    Target ProposeBasePin => _ => _
        .Description("CI: commit each Dockerfile UpdateBasePin rewrote to " + BasePinBranch + " and open a pull request for it (or keep the open one), "
            + "through GitHub's REST API with GITHUB_TOKEN; nothing differs from the branch the run is on: nothing is pushed")
        .After(UpdateBasePin)
        .Reads(() => Artifacts, () => BakeFile, () => Permutations, () => GitHubApiUrl, () => DefaultBranch)
        .Executes(async () =>
        {
            var baseBranch = Context.Ref.StartsWith("refs/heads/", StringComparison.Ordinal) ? Context.Ref["refs/heads/".Length..]
                : throw new BuildInputException($"ProposeBasePin proposes against a branch, but this run is on {Context.Ref}; run it on the default branch.");
            var api = GitHubApi(GitHubToken!);
            var changed = new List<(string Path, string Text)>();
            foreach (var dockerfile in await BasePinDockerfilesAsync())
                if (dockerfile.Value.StartsWith(RootDirectory.Value + "/", StringComparison.Ordinal) && dockerfile.RelativeTo(RootDirectory) is var path
                    && File.ReadAllText(dockerfile) is var text && (await api.FileAsync(path, baseBranch))?.Text != text)
                    changed.Add((path, text));
            if (changed.Count == 0)
            {
                Log.Information("Nothing to propose: the base image pins on {Branch} are current", baseBranch);
                return;
            }
            var message = File.ReadAllText(Layout.BasePinChange);
            await api.MoveRefAsync("heads/" + BasePinBranch, await api.RefShaAsync("heads/" + baseBranch),
                "the job needs `contents: write` (and no ruleset may protect " + BasePinBranch + " from force pushes by the token's identity)");
            foreach (var (path, text) in changed)
                await api.PutFileAsync(path, BasePinBranch, text, (await api.FileAsync(path, BasePinBranch))?.Sha, message.TrimEnd());
            var title = message.Split('\n')[0];
            var (number, opened) = await api.PullRequestAsync(BasePinBranch, baseBranch, title, message[title.Length..].Trim());
            Log.Information("{What} pull request #{Number} from {Branch}: {Title}", opened ? "Opened" : "Updated the open", number, BasePinBranch, title);
            AddSummary("pull request", $"#{number} ({(opened ? "opened" : "updated")})");
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
