using System.Linq.Expressions;
using Pipeline.CI;
using Pipeline.Host;
using Pipeline.Host.Tooling;
using Serilog;

partial class Build
{
    [Parameter("Permutations to build (default: all); ids as in --help")]
    readonly Permutation[] Permutations = [];

    [Parameter("Platforms to build for every selected permutation, overriding each permutation's own (e.g. linux/amd64)")]
    readonly string[] Platforms = [];

    [Parameter("The bake file, relative to the root; its directory is bake's working directory")]
    readonly string BakeFile = "docker-bake.hcl";

    [Parameter("Repository prefix images are pushed under, e.g. 127.0.0.1:5000/team; images go to <registry>/<image-name>")]
    readonly string Registry = "127.0.0.1:5000/devcontainer-pipeline";

    [Parameter("Image name under the registry")]
    readonly string ImageName = "devcontainer";

    [Parameter("A buildx builder to use (remote or multi-node builders scale past one machine); default: the current builder")]
    readonly string? Builder;

    [Parameter("Build cache: registry (cache repository beside the image), registry-read (read the main cache, export nothing: a read-only token), local (.nuke/temp/buildx-cache) or none")]
    readonly CacheMode Cache = CacheMode.Registry;

    [Parameter("Where Bake leaves each image: registry (pushed untagged by BuildKit, read there by digest by every later target; which registry: --staging-registry) or archive (an OCI archive in artifacts/images/)")]
    readonly ImageOutput ImageOutput = ImageOutput.Registry;

    [Parameter("The repository's default branch (GitHub's event payload wins when present)")]
    readonly string DefaultBranch = "main";

    PlatformChoice? _platformChoice;

    /// <summary>What the targets that run build: --platforms, else each permutation's own, or locally (nothing published) this machine's.</summary>
    PlatformChoice PlatformsFor(IReadOnlyCollection<string> runningTargets) =>
        PlatformDefault.Decide(Platforms, IsServerBuild, runningTargets.Contains(nameof(Publish)), NativePlatform, SelectedPermutations);

    static string? NativePlatform => PlatformDefault.Native(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture);

    static IReadOnlyList<string> Estimates(BakePlan plan) =>
        BuildEstimate.Describe(plan.Permutations.Where(p => !p.IsReused).Select(p => (p.Permutation, p.Platforms)).ToList(), NativePlatform);

    /// <summary>This run's platforms, decided with the up-front checks (which know the running targets).</summary>
    PlatformChoice BakePlatforms => _platformChoice ??= PlatformsFor([]);

    string ImageRepository => TagPolicy.Repository(Registry, ImageName);

    /// <summary>What <see cref="ImageRepository"/> reads, for the .Reads of the targets that use it.</summary>
    Expression<Func<object?>>[] RepositoryParameters => [() => Registry, () => ImageName];
    IReadOnlyList<Permutation> SelectedPermutations => Permutations is { Length: > 0 } ? Permutations : Permutation.All;
    AbsolutePath BakeFilePath => RootDirectory / BakeFile;
    /// <summary>What planning the bake writes (PlanBakeAsync; only Bake plans, the targets after it read bake-plan.json).</summary>
    string[] BakePlanFiles => [Layout.BakeOverride, Layout.BakePlan, Layout.BakeRecord];

    BuildContext? _context;
    /// <summary>Where this run comes from (GitHub Actions variables, else git); decides tags and cache scopes.</summary>
    BuildContext Context => _context ??= BuildContext.Detect(
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value),
        RootDirectory, DefaultBranch);

    // Pushing the images untagged needs the packages: write a cache export gets; a pull request stages them in a registry
    // of its own instead (ImageStaging), so its read-only token writes nothing.
    // A default-branch Bake signs the main cache it exported (keyless in CI: id-token), so later builds can trust it.
    [RegistryAccess(RegistryUse.Read | RegistryUse.WriteCache | RegistryUse.SignCacheKeyless)]
    Target Bake => _ => _
        .Description("Build the selected permutations for all their platforms and push them untagged to a registry (artifacts/pushed/<id>.json), or write OCI archives with --image-output archive")
        .Reads(() => Artifacts, () => Permutations, () => Platforms, () => BakeFile, () => Builder, () => Cache, () => ImageOutput, () => StagingRegistry, () => Force, () => PerPlatformJob)
        .Reads(() => StagingRegistryImage)
        .Reads(() => MaxImageAge, () => RefreshPackages)
        .Reads(RepositoryParameters).Reads(SigningParameters) // a reused image's attestations are verified
        .Produces(BakePlanFiles).Produces(Layout.PushedImages / "*.json", Layout.Images / "*.index.json", Layout.BakeMetadata, Layout.Summary)
        // Image bytes only when a user asks for an archive: the generated workflows (default parameters) upload none.
        .Produces(ImageOutput == ImageOutput.Archive ? [Layout.Images / "*.tar"] : [])
        // a reused permutation: its attested SBOMs and provenance beside its published index
        .Produces(Layout.AllSboms, Layout.AllProvenance)
        .Executes(async () =>
        {
            var plan = await PlanBakeAsync();
            DiscardEarlierImages(plan);
            var digests = await BakeImagesAsync(plan, plan.Permutations.Where(p => !p.IsReused).ToList());
            await FetchReusedAsync(plan);
            foreach (var p in plan.Permutations) AddSummary(p.Id, p.IsReused ? $"{p.Reuse!.ReusedDigest} (reused)" : digests.GetValueOrDefault(p.Id, "?"));
        });

    /// <summary>A fresh run leaves no earlier run's archive, image record or index behind (a failed bake must not pass for this one's).</summary>
    void DiscardEarlierImages(BakePlan plan)
    {
        foreach (var p in plan.Permutations)
        {
            StagedArchive.Discard(p.Archive);
            File.Delete(Layout.ImageIndex(p.Permutation));
            if (Layout.PushedImages.DirectoryExists()) File.Delete(Layout.PushedImage(p.Permutation));
        }
    }

    /// <summary>Builds the permutations that are not reused in one bake; returns each one's index digest.</summary>
    async Task<IReadOnlyDictionary<string, string>> BakeImagesAsync(BakePlan plan, IReadOnlyList<PermutationBake> toBuild)
    {
        if (toBuild.Count == 0) return new Dictionary<string, string>();
        var result = await DockerBuildx.BakeAsync(new BakeSettings
        {
            Files = [BakeFilePath, Layout.BakeOverride],
            Targets = toBuild.Select(p => p.Permutation.BakeTarget).ToList(),
            MetadataFile = Layout.BakeMetadata,
            Builder = Builder,
        }, BakeEnvironment(plan.Context.SourceDateEpoch));
        if (!result.Succeeded)
        {
            foreach (var p in toBuild) StagedArchive.DiscardPartial(p.Archive);
            var atRisk = ImagesAtRisk.Count == 0 ? "" : $" (the up-front check warned that its registry does not answer for {string.Join(", ", ImagesAtRisk)})";
            throw new InvalidOperationException($"docker buildx bake failed (exit {result.ExitCode}): {ValidateReport.Reasons(result.StandardError + result.StandardOutput).FirstOrDefault()}; {ToolOutputPolicy.WhereFailedOutputIs()}{atRisk}.");
        }
        foreach (var failure in CacheExportReport.Failures(result.StandardError + "\n" + result.StandardOutput))
        {
            Log.Warning("Cache export failed (ignored; the build succeeded, the next build is colder): {Failure}", failure);
            WriteStepSummary($"> **Warning:** cache export failed (ignored, the build succeeded): `{failure}`");
        }
        var digests = BakeMetadata.Digests(File.ReadAllText(Layout.BakeMetadata));
        foreach (var p in toBuild.Where(p => p.Output.Repository is null)) StagedArchive.Commit(p.Archive, p.Id);
        var pushed = toBuild.Where(p => p.Output.Repository is not null).Select(p => (Bake: p, Digest: digests.TryGetValue(p.Permutation.BakeTarget, out var digest) ? digest
            : throw new InvalidOperationException($"buildx reported no image digest for {p.Id} in {Layout.BakeMetadata}; re-run Bake."))).ToList();
        // Signing the exported cache and reading each pushed image back wait on different registry calls: side by side.
        await Task.WhenAll(pushed.Select(x => RecordPushedAsync(x.Bake, x.Digest)).Prepend(SignExportedMainCachesAsync(plan, toBuild)));
        return digests;
    }

    /// <summary>
    /// Decides everything, writes the override and the plan to artifacts/ and checks bake agrees. Only Bake plans; the
    /// targets after it (here or in a later job) read what it recorded in bake-plan.json.
    /// </summary>
    async Task<BakePlan> PlanBakeAsync()
    {
        if (!BakeFilePath.FileExists())
            throw new BuildInputException($"Bake file {BakeFilePath} does not exist; pass --bake-file <path relative to the root>.");
        Log.Information("Build context: {Context:l}", Context.Describe());
        if (BakePlatforms.Note is { } narrowed) Log.Information("Bake {Platforms:l}", narrowed);
        StartPreBakeReads(); // already running when the up-front checks ran
        var definition = await ReadStaticBakeDefinitionAsync();
        var images = await BuildImagesAsync();
        var planned = await WithDestinationsAsync(WithInputDigests(await WithPackagesSnapshotsAsync(BakePlanner.Plan(Context, SelectedPermutations, BakePlatforms.Platforms,
            ImageRepository, ImageName, Cache, images, Layout.Images, TemporaryDirectory / "buildx-cache")), definition));
        var plan = await WithTrustedCacheAsync(planned); // before the override names any main cache
        Layout.Images.CreateDirectory();
        var overrideJson = BakeOverride.Render(plan);
        File.WriteAllText(Layout.BakeOverride, overrideJson);
        var rendered = plan.Render();
        File.WriteAllText(Layout.BakePlan, rendered);
        Log.Information("Bake plan (also in {File:l}):\n{Plan:l}", Layout.BakePlan, rendered);
        BakeGuard.Check(Context, plan, await MergedBakeDefinitionAsync(plan, overrideJson));
        var decided = await WithReuseAsync(plan, definition);
        if (Estimates(decided) is { Count: > 0 } estimates) Log.Information("Bake {Estimate:l}", string.Join("\n", estimates));
        BakeRecordStore.Write(Layout.BakeRecord, BakeRecord.Of(decided, BakeFile, ContentDigest.Sha256(BakeFilePath), ContentDigest.Sha256(Layout.BakeOverride)));
        return decided;
    }

    /// <summary>--plan shows what Bake would decide (mode, tags, cache refs, platforms) without running docker.</summary>
    IEnumerable<string> DescribePlannedBake(IReadOnlyCollection<string> plannedTargets)
    {
        if (!plannedTargets.Contains(nameof(Bake))) return []; // what the run would refuse, the plan has shown instead (CheckBeforePlanning)
        try
        {
            _runningTargets = plannedTargets;
            var platforms = PlatformsFor(plannedTargets);
            var planned = WithPlannedDestinations(BakePlanner.Plan(Context, SelectedPermutations, platforms.Platforms, ImageRepository, ImageName, Cache,
                SelectedPermutations.ToDictionary(p => p.Id, _ => BuildImages.Unresolved), Layout.Images, TemporaryDirectory / "buildx-cache"));
            var plainHttp = RegistryHost.IsLoopback(planned.ImageRepository);
            var plan = planned with { Permutations = planned.Permutations.Select(p => p with { Cache = PlannedCache(p.Cache, plainHttp) }).ToList() };
            return ["", "Bake would decide (base image digests are resolved when it runs):", .. platforms.Note is { } note ? [note] : Array.Empty<string>(),
                .. plan.Render(withBaseImages: false).TrimEnd().Split('\n'), .. Estimates(plan), .. DescribePlannedReuse(plan)];
        }
        catch (ArgumentException e)
        {
            return ["", $"Bake would fail: {e.Message}"];
        }
    }

    static IReadOnlyDictionary<string, string?> BakeEnvironment(long sourceDateEpoch) => new Dictionary<string, string?>
    {
        // buildx passes SOURCE_DATE_EPOCH to the build: timestamps come from the commit, not the clock.
        ["SOURCE_DATE_EPOCH"] = sourceDateEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
