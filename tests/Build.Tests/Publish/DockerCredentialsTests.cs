using System.Text;
using Xunit;

namespace BuildTests.Publish;

/// <summary>The build's own registry calls use the credentials `docker login` left, as skopeo and cosign do.</summary>
public class DockerCredentialsTests
{
    static string Auth(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public void Inline_auths_are_found_by_host_or_by_a_url_of_it()
    {
        var config = "{\"auths\":{\"ghcr.io\":{\"auth\":\"" + Auth("octo", "ghs_x") + "\"},\"https://index.docker.io/v1/\":{\"auth\":\"" + Auth("hub", "pw") + "\"},\"127.0.0.1:5000\":{\"identitytoken\":\"tok\"}}}";
        Assert.Equal((null, new DockerCredentials.Credentials("octo", "ghs_x")), DockerCredentials.Parse(config, "ghcr.io"));
        Assert.Equal((null, new DockerCredentials.Credentials("hub", "pw")), DockerCredentials.Parse(config, "index.docker.io"));
        Assert.Equal("tok", DockerCredentials.Parse(config, "127.0.0.1:5000").Inline.Password);
        Assert.Equal(DockerCredentials.Anonymous, DockerCredentials.Parse(config, "quay.io").Inline);
    }

    [Fact]
    public void A_credential_helper_for_the_host_wins_and_a_store_serves_the_rest()
    {
        var config = """{"credHelpers":{"ghcr.io":"gh"},"credsStore":"secretservice","auths":{"ghcr.io":{"auth":"eDp5"}}}""";
        Assert.Equal("gh", DockerCredentials.Parse(config, "ghcr.io").Helper);
        Assert.Equal("secretservice", DockerCredentials.Parse(config, "quay.io").Helper);
    }

    [Fact]
    public async Task Without_a_docker_config_the_registry_is_read_anonymously()
    {
        var empty = Directory.CreateTempSubdirectory("docker-config-").FullName;
        Assert.Equal(DockerCredentials.Anonymous, await DockerCredentials.ForAsync("ghcr.io", new Dictionary<string, string?> { ["DOCKER_CONFIG"] = empty }));
        File.WriteAllText(Path.Combine(empty, "config.json"), "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + Auth("writer", "s3cret-9f") + "\"}}}");
        var found = await DockerCredentials.ForAsync("127.0.0.1:5000", new Dictionary<string, string?> { ["DOCKER_CONFIG"] = empty });
        Assert.Equal(new DockerCredentials.Credentials("writer", "s3cret-9f"), found);
        Assert.DoesNotContain("s3cret-9f", Pipeline.Host.SecretMasker.Mask("password s3cret-9f")); // never in a log line
    }
}
