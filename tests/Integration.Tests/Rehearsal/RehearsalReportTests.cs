using Xunit;

namespace Integration.Tests.Rehearsal;

public class RehearsalReportTests
{
    static JobReport Job(params RegistryRequest[] requests) =>
        new("build", "build", "success", new Dictionary<string, string>(), [new StepReport("Bake", "success", "")], requests);

    [Fact]
    public void A_401_challenge_the_client_answers_with_credentials_and_the_v2_ping_are_not_refusals()
    {
        var job = Job(new(null, "GET", "/v2/", 401), new(null, "GET", "/v2/", 401),
            new(null, "HEAD", "/v2/ns/cache/manifests/x", 401), new("t", "HEAD", "/v2/ns/cache/manifests/x", 404));
        Assert.Empty(job.Refused);
        Assert.True(new RehearsalReport([job], []).Succeeded);
    }

    [Fact]
    public void A_401_never_got_past_and_every_403_fail_the_run()
    {
        var job = Job(new(null, "HEAD", "/v2/ns/cache/blobs/sha256:1", 401), new("t", "PUT", "/v2/ns/cache/manifests/pr-7", 403));
        Assert.Equal([401, 403], job.Refused.Select(r => r.Status));
        var report = new RehearsalReport([job], []);
        Assert.False(report.Succeeded);
        Assert.Contains("build: the registry refused 1 PUT request(s) with 403, e.g. /v2/ns/cache/manifests/pr-7", report.Failures);
    }
}
