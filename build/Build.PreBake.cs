using Pipeline.Host;
using Pipeline.Host.Tooling;
using Serilog;

/// <summary>
/// The reads Bake needs before it can start, each started once and as early as possible, side by side: the static bake
/// file's <c>--print</c> (shared by the up-front check and the plan; <see cref="BakePrinter"/>), the digests of the images
/// the Dockerfiles use (they only wait for that print), every permutation's reuse candidate in the registry, the builder's
/// driver and the main cache tags (these wait for nothing), beside cosign opening the key that verifies the main cache.
/// Sequentially they were a second of fixed cost per run; together they cost about the slowest of them.
/// </summary>
partial class Build
{
    Task<StaticBakePrint>? _staticPrint;
    Task<IReadOnlyDictionary<string, BuildImages>>? _buildImages;
    Task<IReadOnlyList<ExternalImageAnswer>>? _externalImages;
    Task<IReadOnlyDictionary<string, PublishedImage?>>? _publishedCandidates;
    Task<BuilderDriver>? _builderDriver;
    Task<IReadOnlyDictionary<string, PublishedImage>>? _mainCacheTags;

    /// <summary>Cancelled when the up-front checks refuse the run, so no read outlives it.</summary>
    readonly CancellationTokenSource _preBakeReads = new();

    /// <summary>
    /// Starts every pre-bake read; later awaits share them. Only the up-front checks call it (one thread), while cosign opens
    /// the key whose public key verifies the main cache (SigningProblems). None of them writes anything: the run may still be
    /// refused. The reads the plan needs after the images (the builder's driver, the main cache tags) start here too, so the
    /// plan waits for none of them in turn.
    /// </summary>
    void StartPreBakeReads()
    {
        _ = BuildImagesAsync();
        _ = PublishedCandidatesAsync();
        if (ImageOutput == ImageOutput.Registry) _ = BuilderDriverAsync();
        if (MainCacheReads.Count > 0) _ = MainCacheTagsAsync();
    }

    /// <summary>The driver of the builder bake will use, read once (it decides push by digest or a temporary tag).</summary>
    Task<BuilderDriver> BuilderDriverAsync() => _builderDriver ??= DockerBuildx.DriverAsync(Builder, _preBakeReads.Token);

    /// <summary>The main cache tags this run's plan will import from, as CachePolicy gives them for this run's platforms.</summary>
    IReadOnlyList<string> MainCacheReads => SelectedPermutations.Select(p => MainCacheSettings(p).MainRead).OfType<string>().Distinct().ToList();

    CacheSettings MainCacheSettings(Permutation p) =>
        CachePolicy.For(Context, Cache, ImageRepository, p.Id, "", CachePolicy.CachePlatform(BakePlatforms.Platforms is { Count: > 0 } given ? given : p.Platforms, p.Platforms));

    /// <summary>
    /// One read of each main cache tag, all at once (not retried: where one did not answer, the check reads it again with
    /// retries). Only the digests: the signature is verified by the plan, with the key file it writes.
    /// </summary>
    Task<IReadOnlyDictionary<string, PublishedImage>> MainCacheTagsAsync() => _mainCacheTags ??= ReadMainCacheTagsAsync();

    async Task<IReadOnlyDictionary<string, PublishedImage>> ReadMainCacheTagsAsync()
    {
        var reads = MainCacheReads.Select(reference => ImageReader(reference).ReadPublishedAsync(reference, _preBakeReads.Token));
        return (await Task.WhenAll(reads)).ToDictionary(r => r.Reference);
    }

    /// <summary>The static bake file alone (no override), both targets of every selected permutation, read once per run.</summary>
    async Task<BakeDefinition> StaticBakeDefinitionAsync() => (await StaticBakePrintAsync()).Definition;

    /// <summary>The static print, kept between runs by <see cref="BakePrinter"/> while this bake file, environment and buildx stay the same.</summary>
    Task<StaticBakePrint> StaticBakePrintAsync() => _staticPrint ??= Printer.StaticAsync(_preBakeReads.Token);

    BakePrinter? _printer;
    BakePrinter Printer => _printer ??= new(BakeFilePath, SelectedPermutations.SelectMany(p => p.BakeTargets).ToList(), TemporaryDirectory / "bake-print",
        holdsSecret: text => SecretMasker.Mask(text) != text);

    /// <summary>What bake will build, for the cache-poisoning guard: the static print merged with the override (<see cref="BakePrinter.MergedAsync"/>).</summary>
    async Task<BakeDefinition> MergedBakeDefinitionAsync(BakePlan plan, string overrideJson)
    {
        var merged = await Printer.MergedAsync(await StaticBakePrintAsync(), Layout.BakeOverride, overrideJson, plan.Permutations.SelectMany(p => p.Permutation.BakeTargets).ToList());
        foreach (var p in plan.Permutations) StagedArchive.DiscardPartial(p.Archive); // a --print creates them empty
        return merged;
    }

    /// <summary>The static definition for the plan; an unreadable bake file is bad input (exit 2), as the up-front check says.</summary>
    async Task<BakeDefinition> ReadStaticBakeDefinitionAsync()
    {
        try { return await StaticBakeDefinitionAsync(); }
        catch (ToolFailedException e)
        {
            throw new Pipeline.Host.BuildInputException(Preflight.BakeFileUnreadable(BakeFile, SelectedPermutations, ToolOutput.LastLine(e.Message)));
        }
    }

    /// <summary>Every external image each permutation's Dockerfile uses, resolved to its registry digest.</summary>
    Task<IReadOnlyDictionary<string, BuildImages>> BuildImagesAsync() => _buildImages ??= ResolveBuildImagesAsync();

    async Task<IReadOnlyDictionary<string, BuildImages>> ResolveBuildImagesAsync() =>
        BakeInputs.ResolveImages(await ReadStaticBakeDefinitionAsync(), BakeFilePath, SelectedPermutations,
            (await ExternalImageAnswersAsync()).ToDictionary(a => a.Image.Reference, a => a.Registry));

    /// <summary>
    /// What the registry (and, when it does not answer with it, the local image store) says about every external image the selected
    /// image targets pull: one bounded read each, all at once. The up-front check decides on them; the plan resolves from them.
    /// </summary>
    Task<IReadOnlyList<ExternalImageAnswer>> ExternalImageAnswersAsync()
    {
        // Asked first by the up-front check and by the plan's resolution, which resumes on another thread: read once.
        lock (_externalImagesGate) return _externalImages ??= Task.Run(ReadExternalImagesAsync);
    }

    readonly Lock _externalImagesGate = new();

    async Task<IReadOnlyList<ExternalImageAnswer>> ReadExternalImagesAsync()
    {
        var images = BakeInputs.ExternalImages(await ReadStaticBakeDefinitionAsync(), BakeFilePath, SelectedPermutations);
        var token = _preBakeReads.Token;
        return await Task.WhenAll(images.Select(async image =>
        {
            var registry = new RegistryClient(Skopeo.Locate(), RegistryHost.IsLoopback(image.LookupReference), RetryPolicy.UpFront, RootDirectory);
            var answer = await registry.AnswerAsync(image.LookupReference, RetryPolicy.UpFrontAttemptTimeout, token);
            var local = answer.RawManifest is null && await DockerBuildx.HasLocalImageAsync(image.LookupReference, token);
            return new ExternalImageAnswer(image, answer, local);
        }));
    }

    /// <summary>What the registry holds at each permutation's reuse candidate (all read at once; none with --force).</summary>
    Task<IReadOnlyDictionary<string, PublishedImage?>> PublishedCandidatesAsync() => _publishedCandidates ??= ReadPublishedCandidatesAsync();

    async Task<IReadOnlyDictionary<string, PublishedImage?>> ReadPublishedCandidatesAsync()
    {
        if (Force) return SelectedPermutations.ToDictionary(p => p.Id, _ => (PublishedImage?)null);
        var reads = SelectedPermutations.Select(async p =>
            (p.Id, Image: (PublishedImage?)await ReadPublishedAsync(ReuseDecision.CandidateReference(Context, ImageRepository, p.Id), _preBakeReads.Token)));
        return (await Task.WhenAll(reads)).ToDictionary(r => r.Id, r => r.Image);
    }

    /// <summary>Stops the reads still running (the run was refused) and waits for them, ignoring their outcome.</summary>
    void AbandonPreBakeReads()
    {
        _preBakeReads.Cancel();
        var started = new Task?[] { _staticPrint, _buildImages, _externalImages, _publishedCandidates, _builderDriver, _mainCacheTags, Signing.DerivationStarted }
            .OfType<Task>().ToArray();
        try { Task.WaitAll(started); }
        catch (AggregateException) { } // refused anyway; the problems already name the cause
    }
}
