using System.Text;
using Pipeline.Host.Tooling;
using Serilog;

/// <summary>
/// The registry operations Publish and Rollback need, through skopeo and cosign, each with bounded retries on
/// network failures. Reads ("is it there?") distinguish absent from unreachable, so a re-run can skip finished work.
/// </summary>
public sealed class RegistryClient(
    ToolLocation skopeo,
    ToolLocation cosign,
    bool plainHttp,
    RetryPolicy retry,
    CosignSigning? signing,
    CosignVerification verification,
    string workingDirectory,
    IReadOnlyDictionary<string, string?> cosignEnvironment)
{
    /// <summary>The digest a reference resolves to, or null when the registry has no such manifest.</summary>
    public Task<string?> DigestOf(string reference) =>
        retry.RunAsync<string?>($"Resolving {reference}", async () =>
        {
            var result = await Run(skopeo, Skopeo.InspectRawArguments(reference, plainHttp), [], null, logOutput: false);
            if (result.Succeeded) return (true, OciArchive.Sha256Digest(Encoding.UTF8.GetBytes(result.StandardOutput)), "");
            return Skopeo.IsNotFound(result.StandardError) ? (true, null, "") : (false, null, result.StandardError);
        }, log: Warn);

    public Task Push(string archive, string? refName, string digestReference) =>
        Checked($"Pushing {digestReference}", skopeo, Skopeo.PushArchiveArguments(archive, refName, digestReference, plainHttp), [archive], null);

    public Task Tag(string digestReference, string tagReference) =>
        Checked($"Tagging {tagReference}", skopeo, Skopeo.TagArguments(digestReference, tagReference, plainHttp), [], null);

    public Task<bool> IsSigned(string digestReference) =>
        Present($"Checking the signature of {digestReference}", Cosign.VerifyArguments(verification, digestReference));

    public Task<bool> HasAttestation(string digestReference, string type) =>
        Present($"Checking the {type} attestation of {digestReference}", Cosign.VerifyAttestationArguments(verification, digestReference, type));

    /// <summary>Signs every image in one cosign call (one process, the key opened once).</summary>
    public Task Sign(IReadOnlyList<string> digestReferences) =>
        Checked($"Signing {Describe(digestReferences)}", cosign, Cosign.SignArguments(RequireSigning(), digestReferences), [], cosignEnvironment);

    public Task Attest(string digestReference, string predicatePath, string type) =>
        Checked($"Attesting {type} for {digestReference}", cosign, Cosign.AttestArguments(RequireSigning(), digestReference, predicatePath, type), [predicatePath], cosignEnvironment);

    // Verification output is the signed payload (base64, kilobytes): one summary line instead of the dump.
    public async Task Verify(IReadOnlyList<string> digestReferences)
    {
        await Checked($"Verifying the signature of {Describe(digestReferences)}", cosign, Cosign.VerifyArguments(verification, digestReferences), [], null, logOutput: false);
        Log.Information("Verified the signature of {References:l}", Describe(digestReferences));
    }

    public async Task VerifyAttestation(IReadOnlyList<string> digestReferences, string type)
    {
        await Checked($"Verifying the {type} attestation of {Describe(digestReferences)}", cosign, Cosign.VerifyAttestationArguments(verification, type, digestReferences), [], null, logOutput: false);
        Log.Information("Verified the {Type} attestation of {References:l}", type, Describe(digestReferences));
    }

    /// <summary>The attestations of one type that verify (cosign's DSSE envelopes, one per line); throws when none does.</summary>
    public async Task<string> VerifiedAttestations(string digestReference, string type) =>
        await retry.RunAsync($"Reading the verified {type} attestation of {digestReference}", async () =>
        {
            var result = await Run(cosign, Cosign.VerifyAttestationArguments(verification, digestReference, type), [], null, logOutput: false);
            return (result.Succeeded, result.StandardOutput, result.StandardError);
        }, log: Warn);

    static string Describe(IReadOnlyList<string> references) => string.Join(", ", references);

    CosignSigning RequireSigning() => signing ?? throw new InvalidOperationException("Signing is not configured; pass --cosign-key or run keyless in GitHub Actions.");

    Task<bool> Present(string what, IReadOnlyList<string> arguments) =>
        retry.RunAsync(what, async () =>
        {
            var result = await Run(cosign, arguments, [], null, logOutput: false);
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
