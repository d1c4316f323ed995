using Xunit;

namespace BuildTests.Bake;

/// <summary>Only cache main's workflow signed is imported, by the digest that was verified (CachePolicy.Trust.cs).</summary>
public class CacheTrustTests
{
    const string Repo = "127.0.0.1:5000/t1/devcontainer";
    const string Id = "gcc14-clang20";
    const string MainTag = Repo + "-cache:" + Id + "-main";
    static readonly string Digest = "sha256:" + new string('c', 64);

    static CacheSettings For(BuildContext context, CacheMode mode = CacheMode.Registry, string? platform = null) =>
        CachePolicy.For(context, mode, Repo, Id, "/cache", platform);

    [Fact]
    public void Every_registry_build_marks_the_main_cache_it_imports_and_only_the_default_branch_the_one_it_exports()
    {
        Assert.Equal((MainTag, MainTag), (For(Contexts.Main).MainRead, For(Contexts.Main).MainWrite));
        foreach (var context in new[] { Contexts.PullRequest(4), Contexts.PullRequest(4, fork: true), Contexts.Release("v1.0.0"), Contexts.Local })
            Assert.Equal((MainTag, (string?)null), (For(context).MainRead, For(context).MainWrite));
        Assert.Equal((MainTag, (string?)null), (For(Contexts.Main, CacheMode.RegistryRead).MainRead, For(Contexts.Main, CacheMode.RegistryRead).MainWrite));
        Assert.Equal(MainTag + "-arm64", For(Contexts.PullRequest(4), platform: "linux/arm64").MainRead);
        foreach (var mode in new[] { CacheMode.Local, CacheMode.None })
            Assert.Equal(((string?)null, (string?)null), (For(Contexts.Main, mode).MainRead, For(Contexts.Main, mode).MainWrite));
    }

    [Fact]
    public void A_verified_main_cache_is_imported_by_the_digest_that_was_verified_never_by_its_tag()
    {
        var trusted = CachePolicy.Trusted(For(Contexts.PullRequest(4)), MainCacheCheck.Verified(MainTag, Digest), signingProblem: null);
        Assert.Equal([$"type=registry,ref={Repo}-cache@{Digest},registry.insecure=true", $"type=registry,ref={Repo}-cache:{Id}-pr-4,registry.insecure=true"],
            trusted.From);
        Assert.Equal(For(Contexts.PullRequest(4)).To, trusted.To);
        Assert.Null(trusted.MainRead);
        Assert.Contains(Digest, trusted.Trust);
        Assert.Null(CachePolicy.Warning(MainCacheCheck.Verified(MainTag, Digest)));
    }

    [Fact]
    public void A_refused_main_cache_is_not_given_to_bake_and_one_warning_names_the_ref_the_digest_and_why()
    {
        var refused = MainCacheCheck.Refused(MainTag, CachePolicy.NotSignedBy("signed with the key cosign.pub"), Digest);
        var trusted = CachePolicy.Trusted(For(Contexts.PullRequest(4)), refused, null);
        Assert.Equal([$"type=registry,ref={Repo}-cache:{Id}-pr-4,registry.insecure=true"], trusted.From); // its own scope still read
        Assert.DoesNotContain(trusted.From, entry => entry.Contains("-main"));
        Assert.Equal($"Not importing the main cache {MainTag} ({Digest}): no signature on it verifies as signed with the key cosign.pub; "
            + "building without it (cold; the next default-branch build exports and signs a new one).", CachePolicy.Warning(refused));
        Assert.Contains("refused", trusted.Trust);
    }

    [Fact]
    public void A_main_cache_that_does_not_exist_yet_is_left_out_without_a_warning()
    {
        var trusted = CachePolicy.Trusted(For(Contexts.Main), MainCacheCheck.Absent(MainTag), null);
        Assert.Empty(trusted.From);
        Assert.Equal(For(Contexts.Main).To, trusted.To); // still exported, then signed
        Assert.Equal(MainTag, trusted.MainWrite);
        Assert.Null(CachePolicy.Warning(MainCacheCheck.Absent(MainTag)));
    }

    [Fact]
    public void An_export_of_exactly_the_main_cache_that_verified_is_not_signed_again_and_any_other_export_is()
    {
        var other = "sha256:" + new string('d', 64);
        var verified = CachePolicy.Trusted(For(Contexts.Main), MainCacheCheck.Verified(MainTag, Digest), null);
        Assert.Equal(Digest, verified.VerifiedMainWrite);
        Assert.False(CachePolicy.NeedsSignature(verified, Digest)); // unchanged: its signature is beside it
        Assert.True(CachePolicy.NeedsSignature(verified, other)); // a changed cache is signed
        // Nothing verified, nothing skipped: an absent or a refused (say, forged) main cache is signed after export.
        foreach (var check in new[] { MainCacheCheck.Absent(MainTag), MainCacheCheck.Refused(MainTag, "not signed", Digest) })
        {
            var settings = CachePolicy.Trusted(For(Contexts.Main), check, null);
            Assert.Null(settings.VerifiedMainWrite);
            Assert.True(CachePolicy.NeedsSignature(settings, Digest));
        }
        // A build that reads main's cache but writes another scope has no main export to skip.
        Assert.Null(CachePolicy.Trusted(For(Contexts.PullRequest(4)), MainCacheCheck.Verified(MainTag, Digest), null).VerifiedMainWrite);
    }

    [Fact]
    public void A_default_branch_build_that_cannot_sign_exports_no_main_cache()
    {
        var trusted = CachePolicy.Trusted(For(Contexts.Main), MainCacheCheck.Absent(MainTag), "this run cannot sign it (no key).");
        Assert.Empty(trusted.To);
        Assert.Null(trusted.MainWrite);
        Assert.Contains("not exported", trusted.Trust);
        Assert.StartsWith($"Not exporting the main cache {MainTag}: this run cannot sign it (no key). No build imports",
            CachePolicy.UnsignedExportWarning(MainTag, "this run cannot sign it (no key)."));
        // A pull request's own export has nothing to do with main's signature.
        Assert.Equal(For(Contexts.PullRequest(4)).To, CachePolicy.Trusted(For(Contexts.PullRequest(4)), MainCacheCheck.Absent(MainTag), "no key").To);
    }

    [Fact]
    public void Settings_that_import_the_main_cache_unchecked_are_refused()
    {
        Assert.Throws<ArgumentException>(() => CachePolicy.Trusted(For(Contexts.Main), null, null));
        Assert.Throws<ArgumentException>(() => CachePolicy.Trusted(For(Contexts.Main), MainCacheCheck.Verified(MainTag + "-arm64", Digest), null));
        Assert.Equal(For(Contexts.Main, CacheMode.Local).From, CachePolicy.Trusted(For(Contexts.Main, CacheMode.Local), null, null).From);
    }

    [Theory]
    [InlineData("127.0.0.1:5000/t1/devcontainer-cache:gcc14-clang20-main", "127.0.0.1:5000/t1/devcontainer-cache@")]
    [InlineData("ghcr.io/acme/devcontainer-cache:gcc14-clang20-main-arm64", "ghcr.io/acme/devcontainer-cache@")]
    [InlineData("localhost:5000/devcontainer-cache", "localhost:5000/devcontainer-cache@")]
    public void The_digest_reference_drops_the_tag_and_keeps_the_registry_port(string tagReference, string expectedPrefix) =>
        Assert.Equal(expectedPrefix + Digest, CachePolicy.DigestReference(tagReference, Digest));

    [Theory]
    [InlineData("type=registry,ref=" + MainTag, false)]
    [InlineData("type=registry,ref=" + MainTag + "-amd64,registry.insecure=true", false)]
    [InlineData("ref=" + MainTag, false)]
    [InlineData("type=registry,ref=" + Repo + "-cache@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", true)]
    [InlineData("type=registry,ref=" + Repo + "-cache:gcc14-clang20-pr-4", true)]
    [InlineData("type=registry,ref=" + Repo + "-cache:gcc14-clang20-mainline", true)]
    [InlineData("type=local,src=/c/gcc14-clang20", true)]
    public void The_guard_refuses_a_bake_file_s_own_import_of_the_main_cache_by_tag(string cacheFrom, bool allowed)
    {
        void Check() => CachePolicy.EnsureVerifiedImport(Repo, Id, cacheFrom);
        if (allowed) Check();
        else Assert.Contains("unverified", Assert.Throws<CachePoisoningException>(Check).Message);
    }

    [Fact]
    public void The_plan_says_the_main_cache_is_checked_before_import_and_signed_after_export()
    {
        var untrusted = GuardPlans.For(Contexts.Main).Render();
        Assert.Contains("main cache: imported by digest only once main's signature on it verifies", untrusted);
        Assert.Contains("main cache export: signed by its digest after the build", untrusted);
        var trusted = GuardPlans.Trusted(Contexts.Main).Render();
        Assert.Contains($"main cache: {MainTag} verified as main's ({GuardPlans.CacheDigest}), imported by digest", trusted);
        Assert.Contains($"type=registry,ref={Repo}-cache@{GuardPlans.CacheDigest},registry.insecure=true", trusted);
    }

    [Fact]
    public void The_plan_drops_the_main_cache_export_and_import_exactly_where_the_run_would()
    {
        const string noSigner = "this run cannot sign it: pass --cosign-key.";
        const string noVerifier = "nothing to verify its signature with (no key)";
        // A laptop on a clean main without a key: nothing verifies the main cache, nothing signs it.
        var laptop = CachePolicy.Planned(For(Contexts.Main), noVerifier, noSigner);
        Assert.Empty(laptop.From);
        Assert.Empty(laptop.To);
        Assert.Null(laptop.MainWrite);
        var plan = GuardPlans.For(Contexts.Main);
        var lines = (plan with { Permutations = [plan.Permutations[0] with { Cache = laptop }] }).Render();
        Assert.Contains("  cache-from: none\n  cache-to: none\n", lines);
        Assert.Contains($"main cache: {MainTag} not imported, whether or not it exists: {noVerifier}; {MainTag} not exported: nothing to sign it with", lines);
        Assert.DoesNotContain("signed by its digest after the build", lines);
        // What the run decides once it read the registry agrees: the same export dropped for the same reason.
        var run = CachePolicy.Trusted(For(Contexts.Main), MainCacheCheck.Absent(MainTag), noSigner);
        Assert.Equal(run.From, laptop.From);
        Assert.Equal(run.To, laptop.To);
        Assert.Equal(run.MainWrite, laptop.MainWrite);

        // CI's default-branch job (keyless): the import waits for the signature, the export is signed.
        var ci = CachePolicy.Planned(For(Contexts.Main), null, null);
        Assert.Equal(For(Contexts.Main).From, ci.From);
        Assert.Equal(For(Contexts.Main).To, ci.To);
        Assert.Equal(MainTag, ci.MainWrite);
        Assert.Contains("imported by digest only once main's signature on it verifies", ci.Trust);
        // A pull request's own export never depends on signing.
        Assert.Equal(For(Contexts.PullRequest(4)).To, CachePolicy.Planned(For(Contexts.PullRequest(4)), noVerifier, noSigner).To);
        var local = For(Contexts.Main, CacheMode.Local);
        Assert.Equal(local, CachePolicy.Planned(local, noVerifier, noSigner));
    }

    [Fact]
    public void The_cache_manifest_digest_is_read_from_buildx_s_metadata_file_per_target()
    {
        // As buildx 0.13 wrote it here for a bake with one registry cache export (and a target with none).
        const string metadata = """
            {
              "t": {
                "buildx.build.ref": "default/default/p4zr55dtrnq3qfjsmsaegu0j2",
                "cache.manifest": "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:33b2bd2324844bc87d392468c6235e218e806efe64987e4df4e15de097431a15\",\"size\":895}"
              },
              "u": { "containerimage.digest": "sha256:aaaa" }
            }
            """;
        Assert.Equal(new Dictionary<string, string> { ["t"] = "sha256:33b2bd2324844bc87d392468c6235e218e806efe64987e4df4e15de097431a15" },
            BakeMetadata.CacheManifestDigests(metadata));
    }

    [Theory]
    [InlineData("https://github.com/acme/dp/.github/workflows/build-devcontainer.yml@refs/heads/main", true)]
    [InlineData("https://github.com/acme/dp/.github/workflows/build-devcontainer.yml@refs/tags/v1.2.3", false)]
    [InlineData("https://github.com/acme/dp/.github/workflows/build-devcontainer.yml@refs/pull/7/merge", false)]
    [InlineData("https://github.com/acme/dp/.github/workflows/build-devcontainer.yml@refs/heads/main2", false)]
    [InlineData("https://github.com/acme/dp/.github/workflows/other.yml@refs/heads/main", false)]
    public void Keyless_the_main_cache_is_trusted_only_from_the_publishing_workflow_on_the_default_branch(string certificateIdentity, bool trusted)
    {
        var env = new Dictionary<string, string> { ["GITHUB_REPOSITORY"] = "acme/dp", ["GITHUB_SERVER_URL"] = "https://github.com" };
        var identity = SigningPolicy.Decide(null, null, false, false, forSigning: false, name => env.GetValueOrDefault(name), "/a/cosign.pub", "main",
            defaultBranchOnly: true);
        Assert.Equal("push", identity.Verification.WorkflowTrigger);
        Assert.Equal(trusted, System.Text.RegularExpressions.Regex.IsMatch(certificateIdentity, identity.Verification.CertificateIdentityRegexp!));
        Assert.Contains("main's workflow (^https://github\\.com/acme/dp/", CachePolicy.SignerOf(identity.Verification));
    }

    [Fact]
    public void A_key_the_main_cache_must_be_signed_with_is_named_as_the_user_gave_it_not_by_its_file_name()
    {
        var verification = SigningPolicy.Decide(null, "/tmp/x/cosign.pub", false, false, forSigning: false, _ => null, "/a/cosign.pub").Verification;
        Assert.Equal("signed with the key /tmp/x/cosign.pub", CachePolicy.SignerOf(verification, "/tmp/x/cosign.pub"));
        Assert.Equal("signed with the key keys/cosign.key", CachePolicy.SignerOf(verification, "keys/cosign.key"));
        Assert.Equal("signed with the key /tmp/x/cosign.pub", CachePolicy.SignerOf(verification)); // the full path, never a bare file name
    }
}
