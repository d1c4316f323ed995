using Pipeline.Host;
using Xunit;

namespace BuildTests.Publish;

public class SigningPolicyTests
{
    static Func<string, string?> Env(params (string Name, string Value)[] pairs) => name => pairs.FirstOrDefault(p => p.Name == name).Value;
    static readonly Func<string, string?> GitHubActions = Env(("ACTIONS_ID_TOKEN_REQUEST_URL", "https://token"), ("GITHUB_REPOSITORY", "acme/dp"), ("GITHUB_SERVER_URL", "https://github.com"));

    [Fact]
    public void A_key_signs_without_the_log_and_verifies_with_its_derived_public_key()
    {
        var identity = SigningPolicy.Decide("/k/cosign.key", null, tlogUpload: false, plainHttp: true, forSigning: true, Env(), "/a/cosign.pub");
        Assert.Equal(new CosignSigning("/k/cosign.key", false, true), identity.Signing);
        Assert.Equal(new CosignVerification("/a/cosign.pub", false, true), identity.Verification);
        Assert.Equal("/k/cosign.key", identity.DerivePublicKeyFrom);
    }

    [Fact]
    public void An_explicit_public_key_wins_and_nothing_is_derived()
    {
        var identity = SigningPolicy.Decide("/k/cosign.key", "/k/other.pub", tlogUpload: true, plainHttp: false, forSigning: true, Env(), "/a/cosign.pub");
        Assert.Equal(new CosignVerification("/k/other.pub", true, false), identity.Verification);
        Assert.Null(identity.DerivePublicKeyFrom);
    }

    [Fact]
    public void Without_a_key_github_actions_signs_keyless_and_verifies_the_publishing_workflow_on_main_or_a_release_tag_pushed()
    {
        var identity = SigningPolicy.Decide(null, null, false, false, forSigning: true, GitHubActions, "/a/cosign.pub");
        Assert.Null(identity.Signing!.KeyPath); // keyless
        Assert.Equal([
                "--certificate-identity-regexp=^https://github\\.com/acme/dp/\\.github/workflows/build-devcontainer\\.yml@refs/(heads/main|tags/v[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]*)?)$",
                "--certificate-oidc-issuer=https://token.actions.githubusercontent.com",
                "--certificate-github-workflow-trigger=push",
            ],
            identity.Verification.Flags());
    }

    [Fact]
    public void A_refresh_dispatched_on_main_is_accepted_as_a_second_identity_but_never_on_a_release_tag()
    {
        var accepted = SigningPolicy.Decide(null, null, false, false, forSigning: true, GitHubActions, "/a/cosign.pub").Verification.Accepted;
        Assert.Equal(2, accepted.Count);
        Assert.Equal("--certificate-github-workflow-trigger=push", accepted[0].Flags().Last());
        Assert.Equal([
                "--certificate-identity-regexp=^https://github\\.com/acme/dp/\\.github/workflows/build-devcontainer\\.yml@refs/heads/main$",
                "--certificate-oidc-issuer=https://token.actions.githubusercontent.com",
                "--certificate-github-workflow-trigger=workflow_dispatch",
            ],
            accepted[1].Flags());
        // A key verifies with the key alone.
        Assert.Single(SigningPolicy.Decide("/k/cosign.key", null, false, true, true, Env(), "/a/cosign.pub").Verification.Accepted);
    }

    [Theory]
    [InlineData("https://github.com/acme/dp/.github/workflows/build-devcontainer.yml@refs/heads/main", true)]
    [InlineData("https://github.com/acme/dp/.github/workflows/build-devcontainer.yml@refs/tags/v1.2.3", true)]
    [InlineData("https://github.com/acme/dp/.github/workflows/build-devcontainer.yml@refs/tags/v1.2.3-rc.1+b7", true)]
    [InlineData("https://github.com/acme/dp/.github/workflows/build-devcontainer.yml@refs/heads/feature", false)]
    [InlineData("https://github.com/acme/dp/.github/workflows/build-devcontainer.yml@refs/pull/7/merge", false)]
    [InlineData("https://github.com/acme/dp/.github/workflows/other.yml@refs/heads/main", false)]
    [InlineData("https://github.com/acme/dp/.github/workflows/build-devcontainer.yml@refs/heads/mainline", false)]
    [InlineData("https://github.com/acme/dp-fork/.github/workflows/build-devcontainer.yml@refs/heads/main", false)]
    [InlineData("https://github.com/acme/dp/.github/workflows/build-devcontainer.yml@refs/tags/release-1", false)]
    public void The_keyless_identity_is_only_the_publishing_workflow_on_main_or_a_release_tag(string certificateIdentity, bool trusted)
    {
        var pattern = SigningPolicy.IdentityRegexp("https://github.com", "acme/dp", "main");
        Assert.Equal(trusted, System.Text.RegularExpressions.Regex.IsMatch(certificateIdentity, pattern));
    }

    [Fact]
    public void Without_a_key_or_an_oidc_token_publish_is_refused_with_the_fix()
    {
        var error = Assert.Throws<BuildInputException>(() => SigningPolicy.Decide(null, null, false, true, forSigning: true, Env(), "/a/cosign.pub"));
        Assert.Contains("pass --cosign-key", error.Message);
    }

    [Fact]
    public void Rollback_verifies_with_a_public_key_alone()
    {
        var identity = SigningPolicy.Decide(null, "/k/cosign.pub", false, true, forSigning: false, Env(), "/a/cosign.pub");
        Assert.Null(identity.Signing);
        Assert.Equal(new CosignVerification("/k/cosign.pub", false, true), identity.Verification);
        Assert.Contains("--cosign-public-key", Assert.Throws<BuildInputException>(() => SigningPolicy.Decide(null, null, false, true, false, Env(), "/a/p")).Message);
    }
}
