using Pipeline.Host;
using Pipeline.Host.Tooling;
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
            foreach (var dockerfile in await PinnedDockerfilesAsync()) // read up front: every pin resolved (CheckBeforeRunning)
            {
                var text = File.ReadAllText(dockerfile.Path);
                foreach (var (pin, answer) in dockerfile.Pins)
                {
                    var digest = BasePins.CurrentDigest(answer) ?? throw new InvalidOperationException($"{pin.TagReference} was not resolved up front.");
                    var line = BasePins.Describe(dockerfile.File, pin, digest);
                    Log.Information("{Line:l}", line);
                    (digest == pin.Digest ? current : moved).Add(line);
                    text = digest == pin.Digest ? text : BasePins.Rewrite(text, pin, digest);
                }
                if (DryRun == true || text == File.ReadAllText(dockerfile.Path)) continue;
                CosignKeys.WriteAtomically(dockerfile.Path, text);
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

    /// <summary>A Dockerfile the selected image targets build, as shown (relative to the root when inside it), its pins and what each pinned tag resolves to now.</summary>
    sealed record PinnedDockerfile(AbsolutePath Path, string File, IReadOnlyList<(BasePin Pin, RegistryAnswer Answer)> Pins);

    Task<IReadOnlyList<PinnedDockerfile>>? _pinnedDockerfiles;

    /// <summary>Every pin's tag read once, all at once, bounded as the external-image check reads (the up-front check and the target share it).</summary>
    Task<IReadOnlyList<PinnedDockerfile>> PinnedDockerfilesAsync() => _pinnedDockerfiles ??= ReadPinnedDockerfilesAsync();

    async Task<IReadOnlyList<PinnedDockerfile>> ReadPinnedDockerfilesAsync() => await Task.WhenAll((await BasePinDockerfilesAsync()).Select(async dockerfile =>
    {
        var file = dockerfile.Value.StartsWith(RootDirectory.Value + "/", StringComparison.Ordinal) ? dockerfile.RelativeTo(RootDirectory) : dockerfile.Value;
        var pins = BasePins.Find(File.ReadAllText(dockerfile));
        var answers = await Task.WhenAll(pins.Select(pin => new RegistryClient(Skopeo.Locate(), RegistryHost.IsLoopback(pin.TagReference), RetryPolicy.UpFront, RootDirectory)
            .AnswerAsync(pin.TagReference, RetryPolicy.UpFrontAttemptTimeout, CancellationToken.None)));
        return new PinnedDockerfile(dockerfile, file, pins.Zip(answers).ToList());
    }));

    /// <summary>Up front: every selected Dockerfile pins its base, and every pinned tag resolves (one line each: the image, its line, the fix).</summary>
    async Task<IReadOnlyList<string>> BasePinProblemsAsync()
    {
        try
        {
            return (await PinnedDockerfilesAsync()).SelectMany(d => BasePins.Problems(d.File, d.Pins)).ToList();
        }
        catch (BuildInputException e) { return [e.Message]; }
        catch (ToolFailedException e) { return [Preflight.BakeFileUnreadable(BakeFile, SelectedPermutations, ToolOutput.LastLine(e.Message))]; }
    }

    /// <summary>The Dockerfiles the selected permutations' image targets build, from the static bake print (one each).</summary>
    async Task<IReadOnlyList<AbsolutePath>> BasePinDockerfilesAsync()
    {
        if (!BakeFilePath.FileExists()) throw new BuildInputException(MissingBakeFile);
        var definition = await StaticBakeDefinitionAsync();
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
