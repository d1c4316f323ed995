using Pipeline.Host;
using Pipeline.Host.Tooling;
using Serilog;

/// <summary>
/// Up-front checks: everything that can be known before the first target runs is checked then, so bad input costs
/// seconds, not hours of Bake (the decisions are <see cref="Preflight"/>'s; this file only gathers the facts).
/// Any problem stops the run with exit 2 before anything is built, pushed or written.
/// </summary>
partial class Build
{
    protected override IReadOnlyList<string> CheckBeforeRunning(IReadOnlyCollection<string> running)
    {
        // The probes below and Bake's own reads wait on tools and the network, not on each other: all start as soon as the
        // checks without network found nothing (a refused run does not need them), while cosign still opens the key (the
        // longest of those checks: a scrypt decryption). Each is skipped only where it would repeat a problem above.
        var bakeReads = Preflight.AnyRuns(running, PreBakeReaders) && BakeFilePath.FileExists();
        var (problems, checkedFacts) = ProblemsWithoutNetwork(running, whileTheKeyOpens: bakeReads ? StartPreBakeReads : null);
        var bakeFile = bakeReads ? BakeFileProblems() : Task.FromResult<IReadOnlyList<string>>([]);
        var images = bakeReads && running.Contains(nameof(Bake)) ? ExternalImageProblems() : Task.FromResult<IReadOnlyList<string>>([]);
        var registry = checkedFacts.RepositoriesKnown ? RegistryProblems(running) : Task.FromResult<IReadOnlyList<string>>([]);
        // A rollback in CI names its deployment environment: refused unless GitHub reports it protected (the API's inputs checked above).
        var environment = ProtectedEnvironmentChecked(running) is { } name && GitHubApiInputProblems(name).Count == 0
            ? EnvironmentProblemsAsync(name) : Task.FromResult<IReadOnlyList<string>>([]);
        var basePins = running.Contains(nameof(UpdateBasePin)) && BakeFilePath.FileExists() ? BasePinProblemsAsync() : Task.FromResult<IReadOnlyList<string>>([]);
        problems.AddRange(environment.GetAwaiter().GetResult());
        var bakeFileProblems = bakeFile.GetAwaiter().GetResult();
        problems.AddRange(bakeFileProblems);
        if (bakeFileProblems.Count == 0) problems.AddRange(images.GetAwaiter().GetResult()); // else the images were not read
        problems.AddRange(registry.GetAwaiter().GetResult());
        problems.AddRange(basePins.GetAwaiter().GetResult().Where(p => !problems.Contains(p))); // an unreadable bake file is one line
        if (problems.Count > 0 && bakeReads) AbandonPreBakeReads();
        return problems;
    }

    /// <summary>--plan shows every refusal of the checks that need no network (nor docker): flags, files, the manifest, keys, the signing identity.</summary>
    protected override IReadOnlyList<string> CheckBeforePlanning(IReadOnlyCollection<string> planned) => ProblemsWithoutNetwork(planned).Problems;

    /// <summary>What the checks without network found out beside their problems: whether the repositories the registry check reads are known.</summary>
    sealed record CheckedFacts(bool RepositoriesKnown);

    /// <summary>
    /// Every check that needs no network, each independent of the others, so all their problems are reported together;
    /// a check is left out only where it would repeat one above (a manifest read against a --registry that is no repository).
    /// </summary>
    /// <param name="whileTheKeyOpens">Called when every other check passed, before the run waits for cosign to open the key.</param>
    (List<string> Problems, CheckedFacts Facts) ProblemsWithoutNetwork(IReadOnlyCollection<string> running, Action? whileTheKeyOpens = null)
    {
        _platformChoice = PlatformsFor(running);
        _runningTargets = running;
        var problems = new List<string>();
        if (running.Contains(nameof(Retention))) problems.AddRange(RetentionPolicyProblems());
        foreach (var target in new[] { nameof(StorePin), nameof(ProposeBasePin) }.Where(running.Contains))
            problems.AddRange(GitHubApiInputProblems(target));
        problems.AddRange(Preflight.PermutationIds(Permutations.Select(p => p.Id).ToList()));
        problems.AddRange(Preflight.Platforms(Platforms));
        problems.AddRange(Preflight.PerPlatformJob(PerPlatformJob, Platforms, SelectedPermutations));
        var repositoryProblems = Preflight.Repository(Registry, ImageName).ToList();
        problems.AddRange(repositoryProblems);
        problems.AddRange(Preflight.StagingRegistry(StagingRegistry, ImageName));
        problems.AddRange(Preflight.StagingRegistryImage(StagingRegistryImage));
        if (Preflight.AnyRuns(running, ReadersOf(() => FailOnSeverity))) problems.AddRange(Preflight.Severities(FailOnSeverity));
        problems.AddRange(FreshnessProblems(running));
        problems.AddRange(Preflight.MissingInputs(running, DeclaredInputs, File.Exists));
        if (Preflight.AnyRuns(running, ReadersOf(() => BakeFile)) && !BakeFilePath.FileExists()) problems.Add(MissingBakeFile);
        var manifest = repositoryProblems.Count == 0 ? ManifestProblems(running) : (Problems: [], Read: false);
        problems.AddRange(manifest.Problems);
        problems.AddRange(RegistryChangeProblems(running, manifestRead: manifest.Read));
        var signing = SigningProblems(running);
        IReadOnlyList<string> environmentProblems = ProtectedEnvironmentChecked(running) is { } environment
            ? GitHubApiInputProblems($"--protected-environment {environment}") : [];
        if (problems.Count == 0 && environmentProblems.Count == 0 && (!signing.IsCompleted || signing.Result.Count == 0)) whileTheKeyOpens?.Invoke();
        problems.AddRange(signing.GetAwaiter().GetResult());
        problems.AddRange(environmentProblems);
        var repositoriesKnown = repositoryProblems.Count == 0 && (ManifestDrivingThisRun(running) is null || manifest.Read);
        return (problems, new CheckedFacts(repositoriesKnown));
    }

    /// <summary>
    /// The manifest this run acts on (Rollback's, or Publish's when this run does not write it): valid, and whole or with
    /// mutable tags as the target needs. A Publish manifest that does not exist is already named by the missing-inputs check.
    /// </summary>
    (IReadOnlyList<string> Problems, bool Read) ManifestProblems(IReadOnlyCollection<string> running)
    {
        if (ManifestDrivingThisRun(running) is not { } path) return ([], false);
        var rollback = running.Contains(nameof(Rollback));
        if (!File.Exists(path)) return (rollback ? [Pipeline.Rules.LastKnownGood.MissingRollbackManifest(RollbackManifest!, path)] : [], false);
        try
        {
            var (manifest, selection, _) = ReadManifestScope(path, logNotes: false);
            return rollback
                ? (Pipeline.Rules.LastKnownGood.RollbackProblem(manifest, RollbackManifest!) is { } refused ? [refused] : [], true)
                : (Preflight.ManifestPlatforms(selection.Permutations, Platforms, path).ToList(), true);
        }
        catch (InvalidManifestException e) { return ([e.Message], false); }
    }

    /// <summary>The deployment environment a Rollback of this run must find protected (--protected-environment), or null.</summary>
    string? ProtectedEnvironmentChecked(IReadOnlyCollection<string> running) =>
        running.Contains(nameof(Rollback)) && ProtectedEnvironment is { Length: > 0 } name ? name : null;

    string MissingBakeFile => $"--bake-file {BakeFile} does not exist under {RootDirectory}; pass --bake-file <path relative to the root>.";

    /// <summary>
    /// The targets that write the images the targets after Bake read (its own, or in CI's fan-in the merged ones) and the
    /// manifest Publish reads: a consumed file whose producers do not run must exist (<see cref="DeclaredInputs"/>).
    /// </summary>
    IReadOnlyList<Target> ImageProducers => [Bake, MergePlatforms];
    IReadOnlyList<Target> ManifestProducers => [Manifest, MergeManifests];

    /// <summary>Each selected permutation's image as Scan, Sbom and Manifest read it: its archive, or the record of it in its registry.</summary>
    ConsumedFile[] BuiltImages => [.. SelectedPermutations.Select(p =>
        Layout.Archive(p).FileExists() || ImageOutput == ImageOutput.Archive && !Layout.PushedImage(p).FileExists()
            ? new ConsumedFile($"the OCI archive of {p.Id}", Layout.Archive(p))
            : new ConsumedFile($"the record of {p.Id}'s image in its registry", Layout.PushedImage(p)))];

    ConsumedFile BakeRecordRead => new("the bake record", Layout.BakeRecord);

    /// <summary>The targets whose bake-file reads the up-front checks start early (Bake's plan and print, Validate's targets).</summary>
    string[] PreBakeReaders => [nameof(Bake), nameof(Validate)];

    /// <summary>The bake file exists and defines both targets of every selected permutation (read alone: the override must not supply them).</summary>
    async Task<IReadOnlyList<string>> BakeFileProblems()
    {
        if (!BakeFilePath.FileExists()) return [MissingBakeFile];
        try
        {
            var definition = await StaticBakeDefinitionAsync(); // the same read Bake's plan uses
            var problems = Preflight.BakeTargets(BakeFile, SelectedPermutations, definition.Targets.Keys.ToHashSet()).ToList();
            // Each image target's Dockerfile names its images (ARGs resolvable from the bake args or defaults).
            foreach (var p in SelectedPermutations.Where(_ => problems.Count == 0))
            {
                try { BakeInputs.ImagesOf(definition, BakeFilePath, p); }
                catch (BuildInputException e) { if (!problems.Contains(e.Message)) problems.Add(e.Message); }
            }
            return problems;
        }
        catch (ToolFailedException e)
        {
            return [Preflight.BakeFileUnreadable(BakeFile, SelectedPermutations, ToolOutput.LastLine(e.Message))];
        }
    }

    /// <summary>Images the up-front check let through with a warning (only the local image store holds them); a failed bake names them.</summary>
    readonly List<string> ImagesAtRisk = [];

    /// <summary>Bake can pull every image the selected image targets use: the registry answers with it, or the local image store holds it pinned.</summary>
    async Task<IReadOnlyList<string>> ExternalImageProblems()
    {
        IReadOnlyList<ExternalImageAnswer> answers;
        try { answers = await ExternalImageAnswersAsync(); }
        catch (Exception e) when (e is BuildInputException or ToolFailedException) { return []; } // the bake file check names it
        var unavailable = Preflight.Unavailable(answers).ToList();
        if (unavailable.Count == 0) return [];
        var variables = await BakeVariablesFeedingAsync(unavailable.Select(a => a.Image).ToList());
        string Line(ExternalImageAnswer a) => Preflight.ExternalImageProblem(a, variables.GetValueOrDefault(a.Image.Reference) ?? []);
        foreach (var warned in unavailable.Where(a => !Preflight.Refuses(a)))
        {
            Log.Warning("{Problem:l}", Line(warned));
            ImagesAtRisk.Add(warned.Image.Reference);
        }
        return unavailable.Where(Preflight.Refuses).Select(Line).ToList();
    }

    /// <summary>
    /// Per image reference, the bake variables it comes from, as bake itself resolves them (<see cref="BakeVariables"/>):
    /// one --print with every declared variable set to its marker. None when the probe cannot be read.
    /// </summary>
    async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> BakeVariablesFeedingAsync(IReadOnlyList<ExternalImage> images)
    {
        var fed = new Dictionary<string, IReadOnlyList<string>>();
        var declared = BakeVariables.Declared(File.ReadAllText(BakeFilePath), BakeFile);
        if (declared.Count == 0) return fed;
        var permutations = SelectedPermutations.Where(p => images.Any(i => i.PermutationIds.Contains(p.Id))).ToList();
        BakeDefinition probed;
        try
        {
            probed = await DockerBuildx.PrintAsync(new BakeSettings { Files = [BakeFilePath], Targets = permutations.Select(p => p.BakeTarget).ToList() },
                environment: declared.ToDictionary(v => v, v => (string?)BakeVariables.Marker(v)));
        }
        catch (ToolFailedException) { return fed; } // a variable that must be a number, say: the line names the Dockerfile instead
        foreach (var p in permutations)
        {
            (DockerfileImages Images, string Dockerfile) read;
            try { read = BakeInputs.ImagesOf(probed, BakeFilePath, p); }
            catch (BuildInputException) { continue; }
            var uses = read.Images.External;
            foreach (var image in images.Where(i => i.PermutationIds.Contains(p.Id) && i.Dockerfile == read.Dockerfile && !fed.ContainsKey(i.Reference)))
                if (uses.FirstOrDefault(u => u.Line == image.Line && u.Use == image.Use) is { } use && BakeVariables.Feeding(use.Reference, declared) is { Count: > 0 } names)
                    fed[image.Reference] = names;
        }
        return fed;
    }

    /// <summary>
    /// Publish and Rollback have an identity to sign or verify with (key-based or keyless); and wherever a key would be used
    /// (Publish, Rollback, and Bake when it signs or verifies with it), the key opens with the password and the public key is
    /// a key, and the key's own. cosign opens the key locally: no network.
    /// </summary>
    async Task<IReadOnlyList<string>> SigningProblems(IReadOnlyCollection<string> running)
    {
        var publishes = running.Contains(nameof(Publish));
        var needsIdentity = publishes || running.Contains(nameof(Rollback));
        if (!needsIdentity && !BakeUsesCosignKeys(running)) return [];
        if (needsIdentity)
        {
            try { Signing.Decide(forSigning: publishes, plainHttp: false); }
            catch (BuildInputException e) { return [e.Message]; }
        }
        try
        {
            if (CosignKey is not null)
            {
                if (CosignKeyCheck.PrivateKeyProblem(CosignKey, ReadIfExists(Full(CosignKey)!)) is { } keyProblem) return [keyProblem];
                if (await Signing.DerivedPublicKeyAsync() is { Pem: null } failed) return [CosignKeyCheck.OpenProblem(CosignKey, failed.Error, Signing.PasswordGiven)];
            }
            if (CosignPublicKey is not null
                && CosignKeyCheck.PublicKeyProblem(CosignPublicKey, ReadIfExists(Full(CosignPublicKey)!), CosignKey is null ? null : (await Signing.DerivedPublicKeyAsync()).Pem, CosignKey) is { } publicProblem)
                return [publicProblem];
        }
        catch (ToolNotFoundException e) { return [e.Message]; }
        return [];
    }

    /// <summary>
    /// Bake signs the main cache it exports, and verifies the main cache it imports and a reused image's attestations, with
    /// --cosign-key / --cosign-public-key when given: then they are checked as for Publish (unless Bake reads no registry
    /// cache and reuses nothing: --cache local|none with --force).
    /// </summary>
    bool BakeUsesCosignKeys(IReadOnlyCollection<string> running) =>
        running.Contains(nameof(Bake)) && (CosignKey is not null || CosignPublicKey is not null) && (Cache is CacheMode.Registry or CacheMode.RegistryRead || !Force);

    /// <summary>The registry every running target talks to answers (Publish, Rollback, Bake when it writes a registry cache, Bake where it pushes images, MergePlatforms).</summary>
    async Task<IReadOnlyList<string>> RegistryProblems(IReadOnlyCollection<string> running)
    {
        var repositories = new List<string>();
        if (running.Contains(nameof(Publish)) || running.Contains(nameof(Rollback)))
        {
            var manifestPath = ManifestDrivingThisRun(running);
            repositories.AddRange(manifestPath is null ? [ImageRepository] : ReadManifestScope(manifestPath, logNotes: false).Selection.Permutations.Select(p => p.Repository));
        }
        if (ImageOutput == ImageOutput.Registry && running.Contains(nameof(MergePlatforms))) repositories.Add(ImageRepository);
        if (ImageOutput == ImageOutput.Registry && running.Contains(nameof(Bake)) && Staging.Kind != StagingKind.StartedRegistry)
            repositories.Add(ImageStaging.StagingRepository(Staging.Kind, ImageRepository, ImageName, StagingRegistry));
        if (running.Contains(nameof(Bake)) && CacheExportRepository is { } cache) repositories.Add(cache);
        var skopeo = repositories.Count == 0 ? null : Skopeo.Locate();
        // All at once: each probe waits on the network, not on the others.
        var probes = repositories.Distinct().Select(async repository =>
            (repository, Reason: await new RegistryClient(skopeo!, RegistryHost.IsLoopback(repository), RetryPolicy.Default, RootDirectory).UnreachableReasonAsync(repository)));
        return (await Task.WhenAll(probes)).Where(p => p.Reason is not null)
            .Select(p => $"The registry of {p.repository} (--registry, --staging-registry, or the manifest's repository) does not answer: {p.Reason}").ToList();
    }

    /// <summary>
    /// The cache repository a Bake of this run would export to (a registry cache this context may write), or null; decided
    /// as Bake decides it (<see cref="PlannedCache"/>): no main cache export when nothing can sign it.
    /// </summary>
    string? CacheExportRepository => Cache is CacheMode.Registry
        && SelectedPermutations.Any(p => PlannedCache(CachePolicy.For(Context, Cache, ImageRepository, p.Id, "",
            CachePolicy.CachePlatform(BakePlatforms.Platforms, p.Platforms)), RegistryHost.IsLoopback(ImageRepository)).To.Count > 0)
        ? CachePolicy.CacheRepository(ImageRepository) : null;

    /// <summary>The manifest Rollback reads, or Publish's when this run does not write it first (Manifest not running).</summary>
    string? ManifestDrivingThisRun(IReadOnlyCollection<string> running) =>
        running.Contains(nameof(Rollback)) ? RollbackManifestPath
        : running.Contains(nameof(Publish)) && !running.Contains(nameof(Manifest)) && !running.Contains(nameof(MergeManifests)) ? (string)Layout.Manifest : null;

    static string? ReadIfExists(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
