using System.Text;
using System.Text.Json;

namespace Pipeline.Model;

/// <summary>
/// What a reused permutation keeps instead of its image bytes: the published image index (its sha256 is the image
/// digest, its entries are the platform digests) and each platform's CycloneDX SBOM as attested at publish time: the
/// reference attestation on the platform's manifest read back through <c>cosign verify-attestation</c> (so only a
/// reference signed by the publisher is believed), the document fetched by the digest it names; and, the same way, its
/// SLSA provenance, which the manifest then records instead of describing this run as its build. Scan re-scans those
/// SBOMs with today's vulnerability data (<c>trivy sbom</c>); nothing else in the pipeline needs the layers.
/// </summary>
public static class PublishedEvidence
{
    const string InTotoPayloadType = "application/vnd.in-toto+json";
    static readonly string[] CycloneDxPredicateTypes = ["https://cyclonedx.org/bom", "cyclonedx"];
    static readonly string[] ProvenancePredicateTypes = [Provenance.PredicateType];

    /// <summary>The digests the manifest records, from the published index's own bytes (no archive involved).</summary>
    public static OciArchiveInfo DescribeIndex(byte[] indexBytes, string source)
    {
        var digest = ContentDigest.Sha256(indexBytes);
        string mediaType;
        try
        {
            using var index = JsonDocument.Parse(indexBytes);
            mediaType = index.RootElement.TryGetProperty("mediaType", out var m) && m.GetString() is { } t ? t : OciArchive.IndexMediaType;
        }
        catch (JsonException e) { throw new InvalidOperationException($"'{source}' is not an image index ({e.Message}); re-run Bake."); }
        var layout = JsonSerializer.SerializeToUtf8Bytes(new { manifests = new[] { new { mediaType, digest } } });
        return OciArchive.Describe(layout, d => d == digest ? indexBytes : null, source);
    }

    /// <summary>
    /// The CycloneDX SBOM in cosign's verified attestations (one DSSE envelope per line) whose in-toto subject is
    /// <paramref name="imageDigest"/>; null with the reason in <paramref name="problem"/> when there is none.
    /// </summary>
    public static string? AttestedSbom(string verifiedAttestations, string imageDigest, out string problem) =>
        AttestedPredicate(verifiedAttestations, imageDigest, CycloneDxPredicateTypes, "CycloneDX", out problem);

    /// <summary>
    /// The SLSA provenance attested when the image was published (a reused image's provenance is that of the commit
    /// that built it, not of the run that reuses it); null with the reason when there is none.
    /// </summary>
    public static string? AttestedProvenance(string verifiedAttestations, string imageDigest, out string problem) =>
        AttestedPredicate(verifiedAttestations, imageDigest, ProvenancePredicateTypes, "SLSA provenance", out problem);

    /// <summary>
    /// The in-toto reference predicate attested on a platform's manifest (<see cref="SbomReference"/>: it names that
    /// platform's SBOM by digest); null with the reason when there is none for <paramref name="platformDigest"/>.
    /// </summary>
    public static string? AttestedReference(string verifiedAttestations, string platformDigest, out string problem) =>
        AttestedPredicate(verifiedAttestations, platformDigest, [SbomReference.PredicateType], "SBOM reference", out problem);

    static string? AttestedPredicate(string verifiedAttestations, string imageDigest, string[] predicateTypes, string name, out string problem)
    {
        problem = $"no verified {name} attestation names " + imageDigest;
        foreach (var line in verifiedAttestations.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                using var envelope = JsonDocument.Parse(line);
                if (!envelope.RootElement.TryGetProperty("payloadType", out var type) || type.GetString() != InTotoPayloadType) continue;
                var statementBytes = Convert.FromBase64String(envelope.RootElement.GetProperty("payload").GetString() ?? "");
                using var statement = JsonDocument.Parse(statementBytes);
                var root = statement.RootElement;
                if (!root.TryGetProperty("predicateType", out var predicateType) || !predicateTypes.Contains(predicateType.GetString())) continue;
                var subjects = root.TryGetProperty("subject", out var s) ? s.EnumerateArray().ToList() : [];
                if (!subjects.Any(subject => subject.TryGetProperty("digest", out var d) && d.TryGetProperty("sha256", out var hex) && "sha256:" + hex.GetString() == imageDigest))
                {
                    problem = $"the {name} attestation names another image than {imageDigest}";
                    continue;
                }
                if (!root.TryGetProperty("predicate", out var predicate) || predicate.ValueKind != JsonValueKind.Object)
                {
                    problem = $"the {name} attestation carries no predicate";
                    continue;
                }
                problem = "";
                return Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(predicate, new JsonSerializerOptions { WriteIndented = true })) + "\n";
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
            {
                problem = "cosign's output is not a DSSE envelope";
            }
        }
        return null;
    }
}
