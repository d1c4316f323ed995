using Pipeline.Host.Tooling;

/// <summary>
/// The reads Bake needs before it can start, each started once and as early as possible, side by side: the static bake
/// file's <c>--print</c> (shared by the up-front check and the plan), the digests of the images the Dockerfiles use
/// (they only wait for that print), and every permutation's reuse candidate in the registry (waits for nothing). Sequentially they were a second
/// of fixed cost per run; together they cost about the slowest of them.
/// </summary>
partial class Build
{
    Task<BakeDefinition>? _staticDefinition;
    Task<IReadOnlyDictionary<string, BuildImages>>? _buildImages;
    Task<IReadOnlyDictionary<string, PublishedImage?>>? _publishedCandidates;

    /// <summary>Cancelled when the up-front checks refuse the run, so no read outlives it.</summary>
    readonly CancellationTokenSource _preBakeReads = new();

    /// <summary>Starts every pre-bake read; later awaits share them. Only the up-front checks call it (one thread).</summary>
    void StartPreBakeReads()
    {
        _ = BuildImagesAsync();
        _ = PublishedCandidatesAsync();
    }

    /// <summary>The static bake file alone (no override), both targets of every selected permutation, read once per run.</summary>
    Task<BakeDefinition> StaticBakeDefinitionAsync() => _staticDefinition ??= DockerBuildx.PrintAsync(new BakeSettings
    {
        Files = [BakeFilePath],
        Targets = SelectedPermutations.SelectMany(p => new[] { p.BakeTarget, p.ValidateBakeTarget }).ToList(),
    }, _preBakeReads.Token);

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
        await BakeInputs.ResolveImagesAsync(await ReadStaticBakeDefinitionAsync(), BakeFilePath, SelectedPermutations);

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
        var started = new Task?[] { _staticDefinition, _buildImages, _publishedCandidates }.OfType<Task>().ToArray();
        try { Task.WaitAll(started); }
        catch (AggregateException) { } // refused anyway; the problems already name the cause
    }
}
