using System.Text;
using Pipeline.Host.Tooling;
using Serilog;

namespace Pipeline.Tools;

/// <summary>How a <see cref="RegistryClient"/> runs cosign: signing (null: verify only), verification and its environment (COSIGN_PASSWORD).</summary>
public sealed record CosignAccess(ToolLocation Tool, CosignSigning? Signing, CosignVerification Verification, IReadOnlyDictionary<string, string?> Environment);

/// <summary>What a registry said about one reference: its manifest bytes, that it has none, or why it could not be asked.</summary>
public sealed record RegistryAnswer(string Reference, string? RawManifest, string? Unreachable)
{
    public bool IsAbsent => RawManifest is null && Unreachable is null;
}

/// <summary>
/// Every registry read and write of the build, through skopeo, (for signatures and attestations) cosign, and the
/// distribution API itself where neither can put exact bytes (a merged index, an SBOM artifact), each with bounded
/// retries on network failures. Reads ("is it there?") distinguish absent from unreachable, so a re-run can
/// skip finished work. Without <paramref name="cosign"/> the client reads and copies images only.
/// </summary>
public sealed class RegistryClient(ToolLocation skopeo, bool plainHttp, RetryPolicy retry, string workingDirectory, CosignAccess? cosign = null)
{
    /// <summary>The digest a reference resolves to, or null when the registry has no such manifest.</summary>
    public async Task<string?> DigestOf(string reference) =>
        await RawManifest(reference) is { } raw ? ContentDigest.Sha256(Encoding.UTF8.GetBytes(raw)) : null;

    /// <summary>The manifest (or index) a reference resolves to, byte for byte, or null when the registry has no such manifest.</summary>
    public Task<string?> RawManifest(string reference, string? what = null) =>
        retry.RunAsync<string?>(what ?? $"Resolving {reference}", async () =>
        {
            var result = await Run(skopeo, Skopeo.InspectRawArguments(reference, plainHttp), [], null, logOutput: false);
            if (result.Succeeded) return (true, result.StandardOutput, "");
            return Skopeo.IsNotFound(result.StandardError) ? (true, null, "") : (false, null, result.StandardError);
        }, log: Warn);

    /// <summary>
    /// One read of what a reference holds, bounded by skopeo's own timeout and not retried (a failed read only means
    /// the permutation is built); the error, not an exception, when the registry cannot be read.
    /// </summary>
    public async Task<PublishedImage> ReadPublishedAsync(string reference, CancellationToken cancellationToken)
    {
        var result = await skopeo.RunAsync([.. Skopeo.CommandTimeout(TimeSpan.FromSeconds(60)), .. Skopeo.InspectRawArguments(reference, plainHttp)], [], workingDirectory,
            logOutput: false, cancellationToken: cancellationToken);
        if (result.Succeeded)
            return new PublishedImage(reference, ContentDigest.Sha256(Encoding.UTF8.GetBytes(result.StandardOutput)), result.StandardOutput);
        return Skopeo.IsNotFound(result.StandardError)
            ? new PublishedImage(reference, null, null)
            : new PublishedImage(reference, null, null, ToolOutput.LastLine(result.StandardError));
    }

    /// <summary>
    /// What a reference holds, each attempt bounded by <paramref name="attemptTimeout"/> and network failures retried by
    /// this client's policy (so an unreachable host is an answer in seconds); never throws for the registry's sake.
    /// </summary>
    public async Task<RegistryAnswer> AnswerAsync(string reference, TimeSpan attemptTimeout, CancellationToken cancellationToken)
    {
        var lastError = "";
        try
        {
            return await retry.RunAsync($"Reading {reference}", async () =>
            {
                var result = await skopeo.RunAsync([.. Skopeo.CommandTimeout(attemptTimeout), .. Skopeo.InspectRawArguments(reference, plainHttp)], [],
                    workingDirectory, logOutput: false, cancellationToken: cancellationToken);
                if (result.Succeeded) return (true, new RegistryAnswer(reference, result.StandardOutput, null), "");
                if (Skopeo.IsNotFound(result.StandardError)) return (true, new RegistryAnswer(reference, null, null), "");
                lastError = result.StandardError;
                return (false, new RegistryAnswer(reference, null, null), result.StandardError);
            }, log: message => Log.Debug("{Message:l}", message)); // the up-front check's one line says what came of it
        }
        catch (RegistryOperationException)
        {
            return new RegistryAnswer(reference, null, Skopeo.Reason(lastError));
        }
    }

    /// <summary>
    /// Lists the repository's tags with bounded retries. Any answer from the registry (tags, "name unknown", even
    /// "denied" for a repository not created yet) means it is reachable; only network failures make it unreachable.
    /// Returns null when reachable, else the reason.
    /// </summary>
    public async Task<string?> UnreachableReasonAsync(string repository)
    {
        try
        {
            await retry.RunAsync<bool>($"Reaching {repository}", async () =>
            {
                var result = await Run(skopeo, Skopeo.ListTagsArguments(repository, plainHttp), [], null, logOutput: false);
                return (result.Succeeded || !RetryPolicy.IsTransient(result.StandardError), true, result.StandardError);
            }, log: Warn);
            return null;
        }
        catch (RegistryOperationException e)
        {
            return e.Message;
        }
    }

    /// <summary>Copies an image (every platform, digests preserved) into an OCI archive.</summary>
    public Task CopyToArchive(string sourceReference, string archive) =>
        Checked($"Copying {sourceReference}", skopeo, Skopeo.CopyToArchiveArguments(sourceReference, archive, plainHttp), [archive], null, logOutput: false);

    public Task Push(string archive, string? refName, string digestReference) =>
        Checked($"Pushing {digestReference}", skopeo, Skopeo.PushArchiveArguments(archive, refName, digestReference, plainHttp), [archive], null);

    public Task Tag(string digestReference, string tagReference) =>
        Checked($"Tagging {tagReference}", skopeo, Skopeo.TagArguments(digestReference, tagReference, plainHttp), [], null);

    public async Task<bool> IsSigned(string digestReference)
    {
        foreach (var verification in Verification.Accepted)
            if (await Present($"Checking the signature of {digestReference}", Cosign.VerifyArguments(verification, digestReference))) return true;
        return false;
    }

    public async Task<bool> HasAttestation(string digestReference, string type)
    {
        foreach (var verification in Verification.Accepted)
            if (await Present($"Checking the {type} attestation of {digestReference}", Cosign.VerifyAttestationArguments(verification, digestReference, type))) return true;
        return false;
    }

    /// <summary>Signs every image in one cosign call (one process, the key opened once).</summary>
    public Task Sign(IReadOnlyList<string> digestReferences) =>
        Checked($"Signing {Describe(digestReferences)}", CosignTool, Cosign.SignArguments(RequireSigning(), digestReferences), [], CosignPart.Environment);

    public Task Attest(string digestReference, string predicatePath, string type) =>
        Checked($"Attesting {type} for {digestReference}", CosignTool, Cosign.AttestArguments(RequireSigning(), digestReference, predicatePath, type), [predicatePath], CosignPart.Environment);

    // Verification output is the signed payload (base64, kilobytes): one summary line instead of the dump.
    public async Task Verify(IReadOnlyList<string> digestReferences)
    {
        await VerifyEachAccepted(digestReferences, $"Verifying the signature of", verification => Cosign.VerifyArguments(verification, digestReferences),
            (verification, reference) => Cosign.VerifyArguments(verification, reference));
        Log.Information("Verified the signature of {References:l}", Describe(digestReferences));
    }

    public async Task VerifyAttestation(IReadOnlyList<string> digestReferences, string type)
    {
        await VerifyEachAccepted(digestReferences, $"Verifying the {type} attestation of", verification => Cosign.VerifyAttestationArguments(verification, type, digestReferences),
            (verification, reference) => Cosign.VerifyAttestationArguments(verification, reference, type));
        Log.Information("Verified the {Type} attestation of {References:l}", type, Describe(digestReferences));
    }

    /// <summary>
    /// All images in one cosign call per accepted identity (the first that verifies them all wins: one call as a rule);
    /// when none verifies them all (images signed by different accepted identities, e.g. a push's and a refresh's), each
    /// image on its own must verify with one of them, else the first identity's error is the failure.
    /// </summary>
    async Task VerifyEachAccepted(IReadOnlyList<string> references, string what, Func<CosignVerification, IReadOnlyList<string>> all,
        Func<CosignVerification, string, IReadOnlyList<string>> one)
    {
        RegistryOperationException? first = null;
        foreach (var verification in Verification.Accepted)
        {
            try { await Checked($"{what} {Describe(references)}", CosignTool, all(verification), [], null, logOutput: false); return; }
            catch (RegistryOperationException e) { first ??= e; }
        }
        if (Verification.Accepted.Count == 1 || references.Count == 1) throw first!;
        foreach (var reference in references)
        {
            var verified = false;
            foreach (var verification in Verification.Accepted)
            {
                try { await Checked($"{what} {reference}", CosignTool, one(verification, reference), [], null, logOutput: false); verified = true; break; }
                catch (RegistryOperationException) { }
            }
            if (!verified) throw first!;
        }
    }

    /// <summary>The attestations of one type that verify (cosign's DSSE envelopes, one per line), with the first accepted identity that verifies one; throws when none does.</summary>
    public async Task<string> VerifiedAttestations(string digestReference, string type)
    {
        RegistryOperationException? first = null;
        foreach (var verification in Verification.Accepted)
        {
            try
            {
                return await retry.RunAsync($"Reading the verified {type} attestation of {digestReference}", async () =>
                {
                    var result = await Run(CosignTool, Cosign.VerifyAttestationArguments(verification, digestReference, type), [], null, logOutput: false);
                    return (result.Succeeded, result.StandardOutput, result.StandardError);
                }, log: Warn);
            }
            catch (RegistryOperationException e) { first ??= e; }
        }
        throw first!;
    }

    /// <summary>A blob's exact bytes from <paramref name="repository"/> (e.g. an SBOM an attestation names), null when it has none.</summary>
    public async Task<byte[]?> ReadBlob(string repository, string digest) =>
        await (await ApiAsync(repository)).GetBlobBytesAsync(digest, CancellationToken.None);

    /// <summary>PUTs an image index's exact bytes by their digest (untagged), so the digest names byte for byte what was merged.</summary>
    public async Task PutIndex(string repository, byte[] index, string mediaType)
    {
        var digest = await (await ApiAsync(repository)).PutManifestAsync(ContentDigest.Sha256(index), index, mediaType, CancellationToken.None);
        Log.Information("Put {Repository}@{Digest} (the merged index, untagged)", repository, digest);
    }

    /// <summary>
    /// Pushes <paramref name="document"/> as an OCI artifact of <paramref name="manifest"/> (its one layer) and tags the
    /// artifact <paramref name="tag"/>; the blobs first, so the manifest never names a missing blob.
    /// </summary>
    public async Task PushArtifact(string repository, byte[] document, byte[] config, byte[] manifest, string tag)
    {
        var api = await ApiAsync(repository);
        await api.PushBlobAsync(config, CancellationToken.None);
        await api.PushBlobAsync(document, CancellationToken.None);
        await api.PutManifestAsync(tag, manifest, "application/vnd.oci.image.manifest.v1+json", CancellationToken.None);
    }

    /// <summary>Whether <paramref name="repository"/> holds the blob (an SBOM the attestation names must be there to be fetched).</summary>
    public async Task<bool> HasBlob(string repository, string digest) => await (await ApiAsync(repository)).HasBlobAsync(digest, CancellationToken.None);

    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(10) };

    /// <summary>The registry's HTTP API for one repository, with the credentials `docker login` left (skopeo's and cosign's).</summary>
    static async Task<Pipeline.Retention.Oci.OciRegistryClient> ApiAsync(string repository)
    {
        var reference = Pipeline.Retention.Oci.RepositoryReference.Parse(repository);
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value);
        var credentials = await DockerCredentials.ForAsync(reference.Host, environment);
        return new Pipeline.Retention.Oci.OciRegistryClient(reference, Http, credentials.Username, credentials.Password);
    }

    static string Describe(IReadOnlyList<string> references) => string.Join(", ", references);

    CosignAccess CosignPart => cosign ?? throw new InvalidOperationException("This registry client reads and copies images only; cosign is not configured.");
    ToolLocation CosignTool => CosignPart.Tool;
    CosignVerification Verification => CosignPart.Verification;

    CosignSigning RequireSigning() => CosignPart.Signing ?? throw new InvalidOperationException("Signing is not configured; pass --cosign-key or run keyless in GitHub Actions.");

    Task<bool> Present(string what, IReadOnlyList<string> arguments) =>
        retry.RunAsync(what, async () =>
        {
            var result = await Run(CosignTool, arguments, [], null, logOutput: false);
            if (result.Succeeded) return (true, true, "");
            return Cosign.IsAbsent(result.StandardError) ? (true, false, "") : (false, false, result.StandardError);
        }, log: Warn);

    Task Checked(string what, ToolLocation tool, IReadOnlyList<string> arguments, IEnumerable<string> paths, IReadOnlyDictionary<string, string?>? environment, bool logOutput = true) =>
        retry.RunAsync(what, async () =>
        {
            var result = await Run(tool, arguments, paths, environment, logOutput);
            return (result.Succeeded, true, result.StandardError.Length > 0 ? result.StandardError : result.StandardOutput);
        }, log: Warn);

    Task<ToolResult> Run(ToolLocation tool, IReadOnlyList<string> arguments, IEnumerable<string> paths, IReadOnlyDictionary<string, string?>? environment, bool logOutput) =>
        tool.RunAsync(arguments, paths, workingDirectory, environment, logOutput);

    static void Warn(string message) => Log.Warning("{Message:l}", message);
}
