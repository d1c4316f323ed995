using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Rules;

/// <summary>A platform manifest as an index lists it: what an SBOM artifact names as its subject.</summary>
public sealed record ManifestDescriptor(string MediaType, string Digest, long Size);

/// <summary>
/// Pure: how a platform's SBOM is published so that it fits a transparency log. The CycloneDX document itself is pushed
/// to the image repository as an OCI artifact (one layer, <c>artifactType</c> CycloneDX, <c>subject</c> the platform
/// manifest, tagged <c>sha256-&lt;platform hex&gt;.sbom</c> as cosign's attach-sbom does, so Retention keeps it with the
/// platform it describes), and what is signed and attested is a small in-toto reference predicate naming that document by
/// digest (https://in-toto.io/attestation/reference/v0.1, the form sigstore/cosign#3599's maintainers point to): a few
/// hundred bytes in Rekor instead of the multi-MiB SBOM public Rekor refuses. `cosign verify-attestation --type` with
/// <see cref="PredicateType"/> verifies it; the document is then fetched by digest and checked against it.
/// </summary>
public static class SbomReference
{
    public const string PredicateType = "https://in-toto.io/attestation/reference/v0.1";
    public const string CycloneDxMediaType = "application/vnd.cyclonedx+json";
    /// <summary>Who attests the reference (the predicate's required <c>attester.id</c>): this pipeline.</summary>
    public const string AttesterId = "https://devcontainer-pipeline/sbom-publisher/v1";
    const string ImageManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
    const string EmptyMediaType = "application/vnd.oci.empty.v1+json";
    static readonly byte[] EmptyConfig = "{}"u8.ToArray();

    /// <summary>The empty config blob every artifact manifest points at (OCI image-spec's <c>application/vnd.oci.empty.v1+json</c>).</summary>
    public static byte[] EmptyConfigBlob => EmptyConfig;

    /// <summary>The tag the SBOM artifact of <paramref name="platformDigest"/> is pushed under (cosign's attach-sbom convention).</summary>
    public static string ArtifactTag(string platformDigest) => Pipeline.Retention.CosignTags.TagFor(platformDigest, ".sbom");

    /// <summary>The artifact manifest carrying an SBOM for <paramref name="subject"/>; the same inputs give the same bytes.</summary>
    public static byte[] ArtifactManifest(ManifestDescriptor subject, string sbomDigest, long sbomSize, string title)
    {
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ImageManifestMediaType,
            ["artifactType"] = CycloneDxMediaType,
            ["config"] = new JsonObject { ["mediaType"] = EmptyMediaType, ["digest"] = ContentDigest.Sha256(EmptyConfig), ["size"] = EmptyConfig.Length },
            ["layers"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = CycloneDxMediaType,
                ["digest"] = sbomDigest,
                ["size"] = sbomSize,
                ["annotations"] = new JsonObject { ["org.opencontainers.image.title"] = title },
            }),
            ["subject"] = new JsonObject { ["mediaType"] = subject.MediaType, ["digest"] = subject.Digest, ["size"] = subject.Size },
        };
        return Encoding.UTF8.GetBytes(manifest.ToJsonString());
    }

    /// <summary>The predicate attested on a platform's manifest: the SBOM's digest, media type and where to download it.</summary>
    public static string Predicate(string repository, string sbomDigest)
    {
        var predicate = new JsonObject
        {
            ["attester"] = new JsonObject { ["id"] = AttesterId },
            ["references"] = new JsonArray(new JsonObject
            {
                ["downloadLocation"] = BlobUrl(repository, sbomDigest),
                ["digest"] = new JsonObject { ["sha256"] = sbomDigest[(sbomDigest.IndexOf(':') + 1)..] },
                ["mediaType"] = CycloneDxMediaType,
            }),
        };
        return predicate.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>The distribution API URL of a blob (plain HTTP for a loopback registry, as every tool here reaches it).</summary>
    public static string BlobUrl(string repository, string digest)
    {
        var slash = repository.IndexOf('/');
        var host = repository[..slash];
        var scheme = RegistryHost.IsLoopback(repository) ? "http" : "https";
        return $"{scheme}://{host}/v2/{repository[(slash + 1)..]}/blobs/{digest}";
    }

    /// <summary>The CycloneDX document's digest a verified reference predicate names, or null with the reason.</summary>
    public static string? ReferencedSbomDigest(string predicateJson, out string problem)
    {
        problem = "";
        try
        {
            using var document = JsonDocument.Parse(predicateJson);
            if (!document.RootElement.TryGetProperty("references", out var references) || references.ValueKind != JsonValueKind.Array)
            {
                problem = "the reference attestation lists no references";
                return null;
            }
            foreach (var reference in references.EnumerateArray())
            {
                if (!reference.TryGetProperty("mediaType", out var type) || type.GetString() != CycloneDxMediaType) continue;
                if (reference.TryGetProperty("digest", out var digest) && digest.TryGetProperty("sha256", out var hex) && hex.GetString() is { Length: 64 } value)
                    return "sha256:" + value;
            }
            problem = "the reference attestation names no CycloneDX document by sha256";
            return null;
        }
        catch (JsonException e)
        {
            problem = $"the reference attestation is not JSON ({e.Message})";
            return null;
        }
    }

    /// <summary>Each platform manifest's descriptor in an image index (attestation manifests, <c>unknown/unknown</c>, are not platforms).</summary>
    public static IReadOnlyDictionary<string, ManifestDescriptor> PlatformDescriptors(string indexJson)
    {
        using var index = JsonDocument.Parse(indexJson);
        var result = new Dictionary<string, ManifestDescriptor>();
        foreach (var manifest in index.RootElement.GetProperty("manifests").EnumerateArray())
        {
            var digest = manifest.GetProperty("digest").GetString()!;
            result[digest] = new ManifestDescriptor(manifest.TryGetProperty("mediaType", out var m) ? m.GetString()! : ImageManifestMediaType, digest, manifest.GetProperty("size").GetInt64());
        }
        return result;
    }
}
