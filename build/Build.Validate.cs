using Pipeline.CI;
using Pipeline.Host;
using Serilog;

/// <summary>Validate: every built permutation's smoke tests (its validate bake target) on each platform Bake built it for.</summary>
partial class Build
{
    [RegistryAccess(RegistryUse.Read)]
    Target Validate => _ => _
        .Description("Run each permutation's smoke tests (the validate bake group) on every platform")
        .DependsOn(Bake)
        .Reads(() => Artifacts, () => Permutations, () => BakeFile, () => Builder)
        .Consumes(Bake, BakeRecordRead, new ConsumedFile("the bake override", Layout.BakeOverride))
        .Executes(async () =>
        {
            var record = BakeRecordStore.Read(Layout.BakeRecord); // what Bake ran: platforms, and which images it reused
            var runs = SelectedPermutations.Select(p => (Permutation: p, Record: record.For(p.Id, Layout.BakeRecord))).ToList();
            // A reused image passed Validate when it was built (Publish depends on Validate); its layers are not rebuilt here.
            foreach (var r in runs.Where(r => r.Record.Reused)) Log.Information("Not validating {Permutation}: reused {Digest}, validated when it was built", r.Permutation.Id, r.Record.ReusedDigest);
            var built = runs.Where(r => !r.Record.Reused).ToList();
            var failures = await ValidateBuiltAsync(built.SelectMany(r => r.Record.Platforms.Select(platform => (r.Permutation, platform))).ToList(), record.SourceDateEpoch);
            AddSummary("validated", $"{built.Sum(r => r.Record.Platforms.Count) - failures.Count} ok, {failures.Count} failed, {runs.Count - built.Count} reused");
            if (failures.Count > 0) throw new InvalidOperationException(ValidateReport.Summarize(failures));
        });

    /// <summary>
    /// One bake per platform runs every built permutation's validate target (BuildKit schedules the shared work itself);
    /// the platforms run side by side. Only when a batch fails is each permutation re-run alone on that platform, so a
    /// failure still names permutation and platform (the passing ones answer from the cache). Failures in permutation
    /// and platform order.
    /// </summary>
    async Task<IReadOnlyList<ValidateFailure>> ValidateBuiltAsync(IReadOnlyList<(Permutation Permutation, string Platform)> built, long sourceDateEpoch)
    {
        var platforms = built.GroupBy(r => r.Platform, r => r.Permutation).ToList();
        var failures = new System.Collections.Concurrent.ConcurrentBag<ValidateFailure>();
        await Parallel.ForEachAsync(platforms, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (group, _) =>
        {
            foreach (var failure in await ValidatePlatformAsync(group.Key, group.ToList(), sourceDateEpoch)) failures.Add(failure);
        });
        return failures.OrderBy(f => f.PermutationId).ThenBy(f => f.Platform).ToList();
    }

    /// <summary>Every permutation's smoke tests on one platform in one bake; the failures, each named (re-run alone when the batch fails).</summary>
    async Task<IReadOnlyList<ValidateFailure>> ValidatePlatformAsync(string platform, IReadOnlyList<Permutation> permutations, long sourceDateEpoch)
    {
        if (permutations.Count > 1)
        {
            Log.Information("Validating {Permutations} on {Platform}", string.Join(", ", permutations.Select(p => p.Id)), platform);
            if ((await ValidateBakeAsync(platform, permutations, sourceDateEpoch)).Succeeded) return [];
            Log.Information("Validation failed on {Platform}; validating each permutation alone to name the failures", platform);
        }
        var failures = new List<ValidateFailure>();
        foreach (var permutation in permutations)
        {
            if (permutations.Count == 1) Log.Information("Validating {Permutation} on {Platform}", permutation.Id, platform);
            var result = await ValidateBakeAsync(platform, [permutation], sourceDateEpoch);
            if (!result.Succeeded) failures.Add(new ValidateFailure(permutation.Id, platform, ValidateReport.Reasons(result.StandardOutput + "\n" + result.StandardError)));
        }
        return failures;
    }

    Task<Pipeline.Host.Tooling.ToolResult> ValidateBakeAsync(string platform, IReadOnlyList<Permutation> permutations, long sourceDateEpoch) =>
        DockerBuildx.BakeAsync(new BakeSettings
        {
            Files = [BakeFilePath, Layout.BakeOverride],
            Targets = permutations.Select(p => p.ValidateBakeTarget).ToList(),
            Sets = permutations.Select(p => $"{p.ValidateBakeTarget}.platform={platform}").ToList(),
            Builder = Builder,
            Label = $"Validate {platform}",
        }, BakeEnvironment(sourceDateEpoch));
}
