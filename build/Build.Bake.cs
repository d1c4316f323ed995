using Pipeline.CI;
using Pipeline.Host;
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

    [Parameter("Build cache: registry (cache repository beside the image), local (.nuke/temp/buildx-cache) or none")]
    readonly CacheMode Cache = CacheMode.Registry;

    [Parameter("Where Bake leaves each image: archive (an OCI archive in artifacts/images/) or push-by-digest (pushed untagged to --registry, recorded in artifacts/pushed/<id>.json, no archive kept; MergePlatforms then reads the per-platform images back by digest)")]
    readonly ImageOutput ImageOutput = ImageOutput.Archive;

    [Parameter("The repository's default branch (GitHub's event payload wins when present)")]
    readonly string DefaultBranch = "main";

    string ImageRepository => TagPolicy.Repository(Registry, ImageName);
    IReadOnlyList<Permutation> SelectedPermutations => Permutations is { Length: > 0 } ? Permutations : Permutation.All;
    AbsolutePath BakeFilePath => RootDirectory / BakeFile;
    AbsolutePath BakeOverrideFile => Layout.BakeOverride;
    AbsolutePath BakeMetadataFile => Layout.BakeMetadata;
    AbsolutePath ImagesDirectory => Layout.Images;
    /// <summary>What planning the bake writes (PrepareBakeAsync): Bake's, and rewritten by Validate when it plans without it.</summary>
    string[] BakePlanFiles => [BakeOverrideFile, Layout.BakePlan, Layout.BakeRecord];

    BuildContext? _context;
    /// <summary>Where this run comes from (GitHub Actions variables, else git); decides tags and cache scopes.</summary>
    BuildContext Context => _context ??= BuildContext.Detect(
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value),
        RootDirectory, DefaultBranch);

    BakePlan? _bakePlan;

    // Pushing untagged by digest (--image-output push-by-digest) needs the packages: write a cache export gets; a
    // pull request's read-only token cannot, so its jobs keep the default, archives.
    [RegistryAccess(RegistryUse.Read | RegistryUse.WriteCache)]
    Target Bake => _ => _
        .Description("Build the selected permutations for all their platforms into OCI archives under artifacts/images/ (or push them by digest: --image-output)")
        // pushed/*.json instead of the archive with --image-output push-by-digest (declared either way: the workflow's
        // uploads are derived from these with default parameters)
        .Produces(BakePlanFiles).Produces(ImagesDirectory / "*.tar", Layout.PushedImages / "*.json", BakeMetadataFile, Layout.Summary)
        // a reused permutation: its published index and attested SBOM instead of an archive
        .Produces(ImagesDirectory / "*.index.json", ArtifactsDirectory / "sbom" / "*.cdx.json")
        .Executes(async () =>
        {
            var plan = await PrepareBakeAsync();
            DiscardEarlierImages(plan);
            var digests = await BakeImagesAsync(plan, plan.Permutations.Where(p => !p.IsReused).ToList());
            await FetchReusedAsync(plan);
            foreach (var p in plan.Permutations) AddSummary(p.Id, p.IsReused ? $"{p.Reuse!.ReusedDigest} (reused)" : digests.GetValueOrDefault(p.Id, "?"));
        });

    [RegistryAccess(RegistryUse.Read)]
    Target Validate => _ => _
        .Description("Run each permutation's smoke tests (the validate bake group) on every platform")
        .DependsOn(Bake)
        .Produces(BakePlanFiles)
        .Executes(async () =>
        {
            var plan = await PrepareBakeAsync();
            var failures = await ValidateBuiltAsync(plan);
            // A reused image passed Validate when it was built (Publish depends on Validate); its layers are not rebuilt here.
            foreach (var p in plan.Permutations.Where(p => p.IsReused)) Log.Information("Not validating {Permutation}: reused {Digest}, validated when it was built", p.Id, p.Reuse!.ReusedDigest);
            AddSummary("validated", $"{plan.Permutations.Where(p => !p.IsReused).Sum(p => p.Platforms.Count) - failures.Count} ok, {failures.Count} failed, {plan.Permutations.Count(p => p.IsReused)} reused");
            if (failures.Count > 0) throw new InvalidOperationException(ValidateReport.Summarize(failures));
        });

    /// <summary>A fresh run leaves no earlier run's archive or published index behind (a failed bake must not pass for this one's).</summary>
    void DiscardEarlierImages(BakePlan plan)
    {
        foreach (var p in plan.Permutations)
        {
            StagedArchive.Discard(p.Archive);
            File.Delete(Layout.PublishedIndex(p.Permutation));
            if (Layout.PushedImages.DirectoryExists()) File.Delete(Layout.PushedImage(p.Permutation));
        }
    }

    /// <summary>Builds the permutations that are not reused in one bake; returns each one's index digest.</summary>
    async Task<IReadOnlyDictionary<string, string>> BakeImagesAsync(BakePlan plan, IReadOnlyList<PermutationBake> toBuild)
    {
        if (toBuild.Count == 0) return new Dictionary<string, string>();
        var result = await DockerBuildx.BakeAsync(new BakeSettings
        {
            Files = [BakeFilePath, BakeOverrideFile],
            Targets = toBuild.Select(p => p.Permutation.BakeTarget).ToList(),
            MetadataFile = BakeMetadataFile,
            Builder = Builder,
        }, BakeEnvironment(plan));
        if (!result.Succeeded)
        {
            foreach (var p in toBuild) StagedArchive.DiscardPartial(p.Archive);
            throw new InvalidOperationException($"docker buildx bake failed (exit {result.ExitCode}): {ValidateReport.Reasons(result.StandardError + result.StandardOutput).FirstOrDefault()}; see the log above.");
        }
        foreach (var failure in CacheExportReport.Failures(result.StandardError + "\n" + result.StandardOutput))
        {
            Log.Warning("Cache export failed (ignored; the build succeeded, the next build is colder): {Failure}", failure);
            WriteStepSummary($"> **Warning:** cache export failed (ignored, the build succeeded): `{failure}`");
        }
        foreach (var p in toBuild)
        {
            var archive = StagedArchive.Commit(p.Archive, p.Id);
            if (ImageOutput == ImageOutput.PushByDigest) await PushByDigestAsync(plan, p, archive.IndexDigest);
        }
        return BakeMetadata.Digests(File.ReadAllText(BakeMetadataFile));
    }

    /// <summary>
    /// Pushes the archive just built to the image repository by its index digest (untagged, bytes preserved, so the
    /// digest is the one bake reported), records it, and removes the archive, pushed or not: no multi-gigabyte file is
    /// left for the job's artifact upload. BuildKit's own push-by-digest exporter is not used because the docker driver
    /// (the default builder) does not implement it.
    /// </summary>
    async Task PushByDigestAsync(BakePlan plan, PermutationBake p, string indexDigest)
    {
        var image = new PushedImage(PushedImage.CurrentSchemaVersion, p.Id, p.Platforms, plan.ImageRepository, indexDigest);
        try
        {
            await ImageReader(plan.ImageRepository).Push(p.Archive, null, image.Reference);
        }
        finally
        {
            StagedArchive.Discard(p.Archive);
        }
        PushedImageStore.Write(Layout.PushedImage(p.Permutation), image);
        Log.Information("Pushed {Id} by digest (untagged): {Reference}", p.Id, image.Reference);
    }

    /// <summary>
    /// One bake per platform runs every built permutation's validate target (BuildKit schedules the shared work itself);
    /// the platforms run side by side. Only when a batch fails is each permutation re-run alone on that platform, so a
    /// failure still names permutation and platform (the passing ones answer from the cache). Failures in permutation
    /// and platform order.
    /// </summary>
    async Task<IReadOnlyList<ValidateFailure>> ValidateBuiltAsync(BakePlan plan)
    {
        var platforms = plan.Permutations.Where(p => !p.IsReused)
            .SelectMany(p => p.Platforms.Select(platform => (p, platform))).GroupBy(r => r.platform, r => r.p).ToList();
        var failures = new System.Collections.Concurrent.ConcurrentBag<ValidateFailure>();
        await Parallel.ForEachAsync(platforms, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (group, _) =>
        {
            foreach (var failure in await ValidatePlatformAsync(plan, group.Key, group.ToList())) failures.Add(failure);
        });
        return failures.OrderBy(f => f.PermutationId).ThenBy(f => f.Platform).ToList();
    }

    /// <summary>Every permutation's smoke tests on one platform in one bake; the failures, each named (re-run alone when the batch fails).</summary>
    async Task<IReadOnlyList<ValidateFailure>> ValidatePlatformAsync(BakePlan plan, string platform, IReadOnlyList<PermutationBake> permutations)
    {
        if (permutations.Count > 1)
        {
            Log.Information("Validating {Permutations} on {Platform}", string.Join(", ", permutations.Select(p => p.Id)), platform);
            if ((await ValidateBakeAsync(plan, platform, permutations)).Succeeded) return [];
            Log.Information("Validation failed on {Platform}; validating each permutation alone to name the failures", platform);
        }
        var failures = new List<ValidateFailure>();
        foreach (var permutation in permutations)
        {
            if (permutations.Count == 1) Log.Information("Validating {Permutation} on {Platform}", permutation.Id, platform);
            var result = await ValidateBakeAsync(plan, platform, [permutation]);
            if (!result.Succeeded) failures.Add(new ValidateFailure(permutation.Id, platform, ValidateReport.Reasons(result.StandardOutput + "\n" + result.StandardError)));
        }
        return failures;
    }

    Task<Pipeline.Host.Tooling.ToolResult> ValidateBakeAsync(BakePlan plan, string platform, IReadOnlyList<PermutationBake> permutations) =>
        DockerBuildx.BakeAsync(new BakeSettings
        {
            Files = [BakeFilePath, BakeOverrideFile],
            Targets = permutations.Select(p => p.Permutation.ValidateBakeTarget).ToList(),
            Sets = permutations.Select(p => $"{p.Permutation.ValidateBakeTarget}.platform={platform}").ToList(),
            Builder = Builder,
        }, BakeEnvironment(plan));

    /// <summary>Decides everything (once per run), writes the override and the plan (bake-plan.txt, and bake-plan.json for Manifest) to artifacts/, and checks bake agrees.</summary>
    async Task<BakePlan> PrepareBakeAsync()
    {
        if (_bakePlan is not null) return _bakePlan;
        if (!BakeFilePath.FileExists())
            throw new BuildInputException($"Bake file {BakeFilePath} does not exist; pass --bake-file <path relative to the root>.");
        Log.Information("Build context: {Context:l}", Context.Describe());
        StartPreBakeReads(); // already running when the up-front checks ran
        var definition = await ReadStaticBakeDefinitionAsync();
        var images = await BuildImagesAsync();
        var plan = WithInputDigests(BakePlanner.Plan(Context, SelectedPermutations, Platforms, ImageRepository, ImageName, Cache, images,
            ImagesDirectory, TemporaryDirectory / "buildx-cache"), definition);
        ImagesDirectory.CreateDirectory();
        var overrideJson = BakeOverride.Render(plan);
        File.WriteAllText(BakeOverrideFile, overrideJson);
        File.WriteAllText(ArtifactsDirectory / "bake-plan.txt", plan.Render());
        Log.Information("Bake plan (also in {File:l}):\n{Plan:l}", ArtifactsDirectory / "bake-plan.txt", plan.Render());
        BakeGuard.Check(Context, plan, await MergedBakeDefinitionAsync(plan, overrideJson));
        _bakePlan = await WithReuseAsync(plan);
        BakeRecordStore.Write(Layout.BakeRecord, BakeRecord.Of(_bakePlan, BakeFile, ContentDigest.Sha256(BakeFilePath), ContentDigest.Sha256(BakeOverrideFile)));
        return _bakePlan;
    }

    /// <summary>--plan shows what Bake would decide (mode, tags, cache refs, platforms) without running docker.</summary>
    protected override IEnumerable<string> DescribePlannedDecisions(IReadOnlyCollection<string> plannedTargets)
    {
        if (!plannedTargets.Contains(nameof(Bake))) return [];
        try
        {
            var plan = BakePlanner.Plan(Context, SelectedPermutations, Platforms, ImageRepository, ImageName, Cache,
                SelectedPermutations.ToDictionary(p => p.Id, _ => BuildImages.Unresolved), ImagesDirectory, TemporaryDirectory / "buildx-cache");
            return ["", "Bake would decide (base image digests are resolved when it runs):", .. plan.Render(withBaseImages: false).TrimEnd().Split('\n'), .. DescribePlannedReuse(plan)];
        }
        catch (ArgumentException e)
        {
            return ["", $"Bake would fail: {e.Message}"];
        }
    }

    static IReadOnlyDictionary<string, string?> BakeEnvironment(BakePlan plan) => new Dictionary<string, string?>
    {
        // buildx passes SOURCE_DATE_EPOCH to the build: timestamps come from the commit, not the clock.
        ["SOURCE_DATE_EPOCH"] = plan.Context.SourceDateEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
