using Pipeline.CI;
using Pipeline.Host;
using Pipeline.Host.Tooling;
using Serilog;

partial class Build
{
    [Parameter("cosign private key for local signing (password in COSIGN_PASSWORD); omit in GitHub Actions to sign keyless with its OIDC token")]
    readonly string CosignKey;

    [Parameter("Password of --cosign-key"), Secret]
    readonly string CosignPassword;

    [Parameter("Public key to verify signatures with (default: derived from --cosign-key)")]
    readonly string CosignPublicKey;

    [Parameter("Upload key-based signatures to the transparency log (keyless signing always does)")]
    readonly bool TlogUpload;

    [Parameter("Last-known-good manifest.json that Rollback moves the mutable tags back to", Name = "manifest")]
    readonly string RollbackManifest;

    static readonly IReadOnlyList<string> KnownPermutationIds = Permutation.All.Select(p => p.Id).ToList();

    [RegistryAccess(RegistryUse.Read | RegistryUse.Push | RegistryUse.SignKeyless)]
    Target Publish => _ => _
        .Description("Push each archive by digest, sign, attest and verify it, then move its tags")
        .DependsOn(Manifest)
        .Produces("artifacts/publish-plan.txt")
        .Executes(async () =>
        {
            var manifest = ManifestStore.Read(ManifestFile, KnownPermutationIds);
            var problems = PublishPreflight.Problems(manifest, ManifestFile.Parent);
            if (problems.Count > 0)
                throw new InvalidOperationException($"Publish refused before pushing anything: {string.Join(" | ", problems)}");
            var registry = await OpenRegistryAsync(manifest, forSigning: true);
            var plans = new List<(ManifestPermutation Entry, IReadOnlyList<PublishStep> Steps)>();
            foreach (var entry in manifest.Permutations)
                plans.Add((entry, PublishPlan.ForPermutation(entry, await ObserveAsync(registry, entry))));
            var planText = string.Join("\n", plans.SelectMany(p => p.Steps).Select(s => s.ToString()));
            File.WriteAllText(ArtifactsDirectory / "publish-plan.txt", planText + "\n");
            Log.Information("Publish plan (what the registry still lacks; also in artifacts/publish-plan.txt):\n{Plan:l}", planText);
            // Everything is pushed, signed, attested and verified before the first tag moves; permutations are
            // independent until then, so they go side by side.
            await Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (plan, _) =>
            {
                foreach (var step in plan.Steps.Where(s => s.Kind != PublishStepKind.Tag))
                    await ExecuteAsync(registry, plan.Entry, step, ManifestFile.Parent, verifyAttestations: true);
            });
            foreach (var (entry, steps) in plans)
                foreach (var step in steps.Where(s => s.Kind == PublishStepKind.Tag))
                    await ExecuteAsync(registry, entry, step, ManifestFile.Parent, verifyAttestations: true);
            ReportSummary(s => { foreach (var (entry, steps) in plans) s[entry.Id] = $"{entry.Digest} ({steps.Count(x => x.Kind != PublishStepKind.Verify)} change(s))"; return s; });
        });

    [RegistryAccess(RegistryUse.Read | RegistryUse.Push)]
    Target Rollback => _ => _
        .Description("Move the mutable tags back to the digests of a last-known-good manifest (no rebuild)")
        .Requires(() => RollbackManifest)
        .Executes(async () =>
        {
            var path = Path.IsPathRooted(RollbackManifest) ? RollbackManifest : Path.GetFullPath(RollbackManifest);
            var manifest = ManifestStore.Read(path, KnownPermutationIds);
            var registry = await OpenRegistryAsync(manifest, forSigning: false);
            var plans = new List<(ManifestPermutation Entry, IReadOnlyList<PublishStep> Steps)>();
            foreach (var entry in manifest.Permutations)
            {
                if (await registry.DigestOf(entry.DigestReference) is null)
                    throw new InvalidOperationException($"Rollback refused: {entry.Id}'s {entry.DigestReference} no longer exists in the registry; pick an older manifest whose images were kept (see README, Rollback).");
                if (!await registry.IsSigned(entry.DigestReference))
                    throw new InvalidOperationException($"Rollback refused: {entry.DigestReference} ({entry.Id}) has no valid signature for this key; pass the key it was signed with (--cosign-public-key) or pick another manifest.");
                plans.Add((entry, PublishPlan.ForRollback(entry, await TagDigestsAsync(registry, entry))));
            }
            Log.Information("Rollback plan to {Manifest} ({Sha}):\n{Plan:l}", path, manifest.Sha, string.Join("\n", plans.SelectMany(p => p.Steps)));
            foreach (var (entry, steps) in plans)
                foreach (var step in steps)
                    await ExecuteAsync(registry, entry, step, Path.GetDirectoryName(path)!, verifyAttestations: false);
        });

    async Task<RegistryState> ObserveAsync(RegistryClient registry, ManifestPermutation entry)
    {
        var tags = await TagDigestsAsync(registry, entry);
        var present = await registry.DigestOf(entry.DigestReference) == entry.Digest;
        if (!present) return new RegistryState(false, false, false, false, tags);
        return new RegistryState(true,
            await registry.IsSigned(entry.DigestReference),
            await registry.HasAttestation(entry.DigestReference, Cosign.ProvenanceType),
            await registry.HasAttestation(entry.DigestReference, Cosign.SbomType),
            tags);
    }

    static async Task<IReadOnlyDictionary<string, string?>> TagDigestsAsync(RegistryClient registry, ManifestPermutation entry)
    {
        var tags = new Dictionary<string, string?>();
        foreach (var tag in entry.Tags) tags[tag.Reference] = await registry.DigestOf(tag.Reference);
        return tags;
    }

    static async Task ExecuteAsync(RegistryClient registry, ManifestPermutation entry, PublishStep step, string manifestDirectory, bool verifyAttestations)
    {
        string File(string relative) => Path.GetFullPath(Path.Combine(manifestDirectory, relative));
        Log.Information("{Step:l} {Id:l}: {Target:l}", step.Kind.ToString(), entry.Id, step.Target);
        switch (step.Kind)
        {
            case PublishStepKind.Push:
                var archive = OciArchive.Read(File(entry.Archive.Path));
                await registry.Push(File(entry.Archive.Path), archive.RefName, entry.DigestReference);
                var pushed = await registry.DigestOf(entry.DigestReference);
                if (pushed != entry.Digest)
                    throw new InvalidOperationException($"The registry holds {pushed ?? "nothing"} for {entry.DigestReference} after the push; the digest was not preserved, nothing was tagged.");
                Log.Information("Pushed {Reference}", entry.DigestReference);
                break;
            case PublishStepKind.Sign:
                await registry.Sign(entry.DigestReference);
                break;
            case PublishStepKind.AttestProvenance:
                await registry.Attest(entry.DigestReference, File(entry.Provenance.Path), Cosign.ProvenanceType);
                break;
            case PublishStepKind.AttestSbom:
                await registry.Attest(entry.DigestReference, File(entry.Sbom.Path), Cosign.SbomType);
                break;
            case PublishStepKind.Verify:
                await registry.Verify(entry.DigestReference);
                if (verifyAttestations)
                {
                    await registry.VerifyAttestation(entry.DigestReference, Cosign.ProvenanceType);
                    await registry.VerifyAttestation(entry.DigestReference, Cosign.SbomType);
                }
                break;
            case PublishStepKind.Tag:
                await registry.Tag(entry.DigestReference, step.Target);
                break;
        }
    }

    /// <summary>skopeo and cosign for this manifest's registry, signing and verifying as <see cref="SigningPolicy"/> decides.</summary>
    async Task<RegistryClient> OpenRegistryAsync(ReleaseManifest manifest, bool forSigning)
    {
        var plainHttp = manifest.Permutations.All(p => RegistryHost.IsLoopback(p.Repository));
        var skopeo = new ToolLocation("skopeo", ToolResolver.Resolve("skopeo", Skopeo.InstallHint), null, "");
        var cosign = Cosign.Locate();
        var password = CosignPassword ?? Environment.GetEnvironmentVariable("COSIGN_PASSWORD");
        SecretMasker.Register(password, declared: true);
        var cosignEnvironment = new Dictionary<string, string?> { ["COSIGN_PASSWORD"] = password ?? "" };
        // Per run (artifacts), never shared: concurrent runs with different keys must not verify with each other's key.
        var derivedPublicKey = ArtifactsDirectory / "cosign.pub";
        var identity = SigningPolicy.Decide(Full(CosignKey), Full(CosignPublicKey), TlogUpload, plainHttp, forSigning,
            Environment.GetEnvironmentVariable, derivedPublicKey, DefaultBranch);
        if (identity.DerivePublicKeyFrom is { } key)
        {
            derivedPublicKey.Parent.CreateDirectory();
            if (derivedPublicKey.FileExists()) File.Delete(derivedPublicKey);
            var command = cosign.Command(Cosign.PublicKeyArguments(key, derivedPublicKey), [key, derivedPublicKey], RootDirectory, cosignEnvironment);
            var result = await ToolRunner.RunAsync(command.Executable, command.Arguments, RootDirectory, command.Environment);
            if (!result.Succeeded || !derivedPublicKey.FileExists())
                throw new BuildInputException($"Could not derive the public key from --cosign-key {CosignKey} ({ToolOutput.LastLine(result.StandardError)}); check COSIGN_PASSWORD or pass --cosign-public-key.");
        }
        return new RegistryClient(skopeo, cosign, plainHttp, RetryPolicy.Default, identity.Signing, identity.Verification, RootDirectory, cosignEnvironment);
    }

    static string? Full(string? path) => path is null ? null : Path.GetFullPath(path);
}
