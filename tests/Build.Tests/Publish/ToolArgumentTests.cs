using Pipeline.Host.Tooling;
using Xunit;

namespace BuildTests.Publish;

public class ToolArgumentTests
{
    const string Ref = "127.0.0.1:5000/team/devcontainer@sha256:18a50473042c19802658b2a98ac5257d929b5d8fd0185cda5b3968dcdfa72550";

    [Fact]
    public void Push_preserves_every_platform_and_the_index_digest() =>
        Assert.Equal(["copy", "--all", "--preserve-digests", "--dest-tls-verify=false", "oci-archive:/a/images/p.tar:p", "docker://" + Ref],
            Skopeo.PushArchiveArguments("/a/images/p.tar", "p", Ref, plainHttp: true));

    [Fact]
    public void Tagging_copies_the_digest_within_the_repository()
    {
        Assert.Equal(["copy", "--all", "--preserve-digests", "docker://" + Ref, "docker://ghcr.io/acme/devcontainer:p"],
            Skopeo.TagArguments(Ref, "ghcr.io/acme/devcontainer:p", plainHttp: false));
        Assert.Equal(["inspect", "--raw", "--tls-verify=false", "docker://r:t"], Skopeo.InspectRawArguments("r:t", plainHttp: true));
    }

    [Fact]
    public void A_reused_image_is_copied_with_every_platform_and_its_digests_into_an_archive()
    {
        Assert.Equal(["copy", "--all", "--preserve-digests", "--src-tls-verify=false", "docker://" + Ref, "oci-archive:/a/images/p.tar.partial"],
            Skopeo.CopyToArchiveArguments(Ref, "/a/images/p.tar.partial", plainHttp: true));
        Assert.Equal(["copy", "--all", "--preserve-digests", "docker://" + Ref, "oci-archive:/a/p.tar"], Skopeo.CopyToArchiveArguments(Ref, "/a/p.tar", plainHttp: false));
    }

    [Fact]
    public void Key_signing_skips_the_transparency_log_unless_asked()
    {
        Assert.Equal(["sign", "--yes", "--key=/k/cosign.key", "--tlog-upload=false", "--allow-http-registry", "--allow-insecure-registry", Ref],
            Cosign.SignArguments(new CosignSigning("/k/cosign.key", TlogUpload: false, PlainHttp: true), Ref));
        Assert.Equal(["sign", "--yes", "--key=/k/cosign.key", Ref], Cosign.SignArguments(new CosignSigning("/k/cosign.key", TlogUpload: true, PlainHttp: false), Ref));
        Assert.Equal(["sign", "--yes", Ref], Cosign.SignArguments(new CosignSigning(null, TlogUpload: false, PlainHttp: false), Ref));
    }

    [Fact]
    public void A_reused_images_sbom_is_scanned_for_vulnerabilities_only()
    {
        Assert.Equal(["sbom", "--config", "/r/trivy.yaml", "--scanners", "vuln", "--format", "json", "--output", "/a/scan/p.json", "--cache-dir", "/c", "/a/sbom/p.cdx.json"],
            Trivy.SbomArguments(new TrivySbomScan("/a/sbom/p.cdx.json", "/r/trivy.yaml", "/a/scan/p.json", "/c")));
        Assert.Equal(["/r/trivy.yaml", "/a/sbom/p.cdx.json", "/a/scan/p.json", "/c"], Trivy.HostPaths(new TrivySbomScan("/a/sbom/p.cdx.json", "/r/trivy.yaml", "/a/scan/p.json", "/c")));
    }

    [Fact]
    public void One_cosign_call_signs_and_verifies_several_images()
    {
        const string other = "127.0.0.1:5000/team/devcontainer@sha256:28a50473042c19802658b2a98ac5257d929b5d8fd0185cda5b3968dcdfa72550";
        Assert.Equal(["sign", "--yes", "--key=/k/cosign.key", "--tlog-upload=false", Ref, other],
            Cosign.SignArguments(new CosignSigning("/k/cosign.key", TlogUpload: false, PlainHttp: false), [Ref, other]));
        var verification = new CosignVerification("/k/cosign.pub", TlogUsed: false, PlainHttp: false);
        Assert.Equal(["verify", "--key=/k/cosign.pub", "--insecure-ignore-tlog=true", "--output", "json", Ref, other], Cosign.VerifyArguments(verification, [Ref, other]));
        Assert.Equal(["verify-attestation", "--type", "slsaprovenance1", "--key=/k/cosign.pub", "--insecure-ignore-tlog=true", "--output", "json", Ref, other],
            Cosign.VerifyAttestationArguments(verification, Cosign.ProvenanceType, [Ref, other]));
    }

    [Fact]
    public void Attest_and_verify_name_the_predicate_type()
    {
        var signing = new CosignSigning("/k/cosign.key", false, false);
        Assert.Equal(["attest", "--yes", "--replace", "--type", "slsaprovenance1", "--predicate", "/a/prov.json", "--key=/k/cosign.key", "--tlog-upload=false", Ref],
            Cosign.AttestArguments(signing, Ref, "/a/prov.json", Cosign.ProvenanceType));
        var verification = new CosignVerification("/k/cosign.pub", TlogUsed: false, PlainHttp: true);
        Assert.Equal(["verify-attestation", "--type", "cyclonedx", "--key=/k/cosign.pub", "--insecure-ignore-tlog=true", "--allow-http-registry", "--allow-insecure-registry", "--output", "json", Ref],
            Cosign.VerifyAttestationArguments(verification, Ref, Cosign.SbomType));
        Assert.Equal(["verify", "--certificate-identity-regexp=^https://github.com/acme/dp/", "--certificate-oidc-issuer=https://token.actions.githubusercontent.com", "--output", "json", Ref],
            Cosign.VerifyArguments(new CosignVerification(null, true, false, "^https://github.com/acme/dp/"), Ref));
    }

    [Fact]
    public void Cosign_absent_versus_failure()
    {
        Assert.True(Cosign.IsAbsent("Error: no signatures found"));
        Assert.True(Cosign.IsAbsent("Error: none of the attestations matched the predicate type: cyclonedx, found: https://slsa.dev/provenance/v1"));
        Assert.False(Cosign.IsAbsent("dial tcp: connect: connection refused"));
    }

    [Fact]
    public void Trivy_scans_the_archive_with_the_committed_config()
    {
        var scan = new TrivyImageScan("/r/artifacts/images/p.tar", "/r/trivy.yaml", "json", "/r/artifacts/scan/p.json", "linux/amd64");
        Assert.Equal(["image", "--config", "/r/trivy.yaml", "--input", "/r/artifacts/images/p.tar", "--format", "json", "--output", "/r/artifacts/scan/p.json", "--platform", "linux/amd64"],
            Trivy.ImageArguments(scan));
    }

    [Fact]
    public void Trivy_scans_an_image_in_its_registry_by_digest_over_plain_http_only_on_loopback()
    {
        // Trivy's flags (trivy.dev, trivy image reference): --image-src remote reads the registry, not a same-named image
        // in the local Docker store; --insecure (a global flag) allows the plain-HTTP loopback registry.
        var local = Trivy.OfReference("127.0.0.1:5000/team/devcontainer@sha256:" + new string('a', 64), "/r/trivy.yaml", "cyclonedx", "/r/sbom/p.cdx.json", "linux/arm64", "/r/.nuke/temp/trivy-cache");
        Assert.Equal(["image", "--config", "/r/trivy.yaml", "--format", "cyclonedx", "--output", "/r/sbom/p.cdx.json", "--platform", "linux/arm64",
            "--cache-dir", "/r/.nuke/temp/trivy-cache", "--image-src", "remote", "--insecure", "127.0.0.1:5000/team/devcontainer@sha256:" + new string('a', 64)],
            Trivy.ImageArguments(local));
        var remote = Trivy.OfReference("ghcr.io/acme/devcontainer@sha256:" + new string('a', 64), "/r/trivy.yaml", "json", "/r/scan/p.json", "linux/amd64", null);
        Assert.DoesNotContain("--insecure", Trivy.ImageArguments(remote));
        Assert.DoesNotContain("--input", Trivy.ImageArguments(remote));
        Assert.Equal(["/r/trivy.yaml", "/r/scan/p.json"], Trivy.HostPaths(remote));
    }

    [Fact]
    public void A_refresh_rescan_reports_unfixed_findings_too_and_converts_its_report_to_sarif()
    {
        // trivy.yaml's vulnerability.ignore-unfixed: true is overridden by the flag (Trivy: flag, then TRIVY_*, then config).
        var scan = Trivy.OfReference("ghcr.io/acme/devcontainer@sha256:" + new string('a', 64), "/r/trivy.yaml", "json", "/r/refresh/p.json", "linux/amd64", null,
            includeUnfixed: true);
        Assert.Contains("--ignore-unfixed=false", Trivy.ImageArguments(scan));
        Assert.DoesNotContain("--ignore-unfixed=false", Trivy.ImageArguments(scan with { IncludeUnfixed = false }));
        Assert.Equal(["convert", "--format", "sarif", "--output", "/r/p.sarif", "/r/p.json"], Trivy.SarifArguments("/r/p.json", "/r/p.sarif"));
    }

    [Fact]
    public void Without_a_local_trivy_it_runs_the_pinned_official_image_with_docker()
    {
        var root = Directory.CreateTempSubdirectory("fallback-").FullName;
        var bin = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
        var docker = Path.Combine(bin, "docker");
        File.WriteAllText(docker, "");
        var environment = new Dictionary<string, string?> { ["PATH"] = bin };
        var trivy = Trivy.Locate(environment);
        Assert.True(trivy.IsContainer);
        var scan = new TrivyImageScan($"{root}/artifacts/images/p.tar", $"{root}/trivy.yaml", "json", $"{root}/artifacts/scan/p.json");
        var command = trivy.Command(Trivy.ImageArguments(scan), Trivy.HostPaths(scan), root);
        Assert.Equal(docker, command.Executable);
        Assert.Equal(
            $"run --rm --network host -v {root}:{root} -w {root} aquasec/trivy:0.67.2@sha256:e2b22eac59c02003d8749f5b8d9bd073b62e30fefaef5b7c8371204e0a4b0c08 " +
            $"image --config {root}/trivy.yaml --input {root}/artifacts/images/p.tar --format json --output {root}/artifacts/scan/p.json",
            string.Join(" ", command.Arguments));
    }

    [Fact]
    public void The_cosign_container_gets_its_password_by_name_never_by_value()
    {
        var location = new ToolLocation("cosign", null, "/usr/bin/docker", Cosign.Image);
        var command = location.Command(Cosign.SignArguments(new CosignSigning("/keys/cosign.key", false, true), Ref), ["/keys/cosign.key"], "/src/repo",
            new Dictionary<string, string?> { ["COSIGN_PASSWORD"] = "s3cret-value" });
        Assert.Equal(["run", "--rm", "--network", "host", "-v", "/keys:/keys", "-v", "/src/repo:/src/repo", "-w", "/src/repo", "-e", "COSIGN_PASSWORD", Cosign.Image,
            "sign", "--yes", "--key=/keys/cosign.key", "--tlog-upload=false", "--allow-http-registry", "--allow-insecure-registry", Ref], command.Arguments);
        Assert.DoesNotContain("s3cret-value", command.ToString());
        Assert.Equal("s3cret-value", command.Environment["COSIGN_PASSWORD"]);
    }

    [Fact]
    public void A_local_tool_wins_over_the_container()
    {
        var bin = Directory.CreateTempSubdirectory("tools-").FullName;
        File.WriteAllText(Path.Combine(bin, "cosign"), "");
        var location = Cosign.Locate(new Dictionary<string, string?> { ["PATH"] = bin });
        Assert.False(location.IsContainer);
        Assert.Equal(Path.Combine(bin, "cosign"), location.Command(["version"], [], bin).Executable);
    }
}
