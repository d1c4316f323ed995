using Xunit;

namespace BuildTests.Bake;

/// <summary>The one base pin (a Dockerfile's global ARG) and the rewrite UpdateBasePin applies to it.</summary>
public class BasePinTests
{
    static readonly string Old = "sha256:" + new string('a', 64);
    static readonly string New = "sha256:" + new string('b', 64);

    static readonly string Dockerfile =
        "# comment\r\n"
        + $"ARG BASE_IMAGE=docker.io/library/ubuntu:24.04@{Old}\r\n"
        + $"ARG TOOLS=127.0.0.1:5000/h4/busybox:1.36@{Old}\r\n"
        + "ARG UNPINNED=docker.io/library/ubuntu:24.04\r\n"
        + $"ARG DIGEST_ONLY=docker.io/library/ubuntu@{Old}\r\n"
        + "FROM ${BASE_IMAGE} AS base\r\n"
        + $"ARG LATE=docker.io/library/debian:12@{Old}\r\n";

    [Fact]
    public void Finds_each_global_arg_that_pins_a_tag_by_digest_and_nothing_after_the_first_FROM()
    {
        Assert.Equal(
            [new BasePin(2, "BASE_IMAGE", "docker.io/library/ubuntu", "24.04", Old), new BasePin(3, "TOOLS", "127.0.0.1:5000/h4/busybox", "1.36", Old)],
            BasePins.Find(Dockerfile));
        Assert.Equal("127.0.0.1:5000/h4/busybox:1.36", BasePins.Find(Dockerfile)[1].TagReference); // the registry's port is not the tag
    }

    [Fact]
    public void The_rewrite_changes_that_pin_s_digest_and_no_other_byte()
    {
        var pin = BasePins.Find(Dockerfile)[0];
        var rewritten = BasePins.Rewrite(Dockerfile, pin, New);
        Assert.Equal(Dockerfile.Replace($"ubuntu:24.04@{Old}\r\n", $"ubuntu:24.04@{New}\r\n"), rewritten);
        Assert.Contains($"busybox:1.36@{Old}\r\n", rewritten); // the other pin, the line endings and the later ARG are untouched
        Assert.Equal(New, BasePins.Find(rewritten)[0].Digest);
        Assert.Equal(rewritten, BasePins.Rewrite(rewritten, BasePins.Find(rewritten)[0], New)); // unchanged: nothing to do
    }

    [Fact]
    public void A_rewrite_of_a_pin_the_file_no_longer_holds_or_to_a_non_digest_is_refused()
    {
        var pin = BasePins.Find(Dockerfile)[0];
        Assert.Contains("no longer pins", Assert.Throws<ArgumentException>(() => BasePins.Rewrite(BasePins.Rewrite(Dockerfile, pin, New), pin, New)).Message);
        Assert.Contains("not a sha256 digest", Assert.Throws<ArgumentException>(() => BasePins.Rewrite(Dockerfile, pin, "latest")).Message);
    }

    [Fact]
    public void The_log_line_says_old_to_new_or_that_the_pin_is_current_and_the_pull_request_text_lists_what_moved()
    {
        var pin = BasePins.Find(Dockerfile)[0];
        var moved = BasePins.Describe("devcontainer/Dockerfile", pin, New);
        Assert.Equal($"devcontainer/Dockerfile:2 ARG BASE_IMAGE=docker.io/library/ubuntu:24.04: {Old} → {New}", moved);
        Assert.Equal($"devcontainer/Dockerfile:2 ARG BASE_IMAGE=docker.io/library/ubuntu:24.04 is current ({Old})",
            BasePins.Describe("devcontainer/Dockerfile", pin, Old));
        var text = BasePins.ChangeText([moved], []);
        Assert.StartsWith("Move the base image pin to its tag's current digest\n\n", text); // title, blank line, body (git commit -F)
        Assert.Contains($"- {moved}\n", text);
        Assert.StartsWith("The base image pins are current\n", BasePins.ChangeText([], ["x is current"]));
    }

    [Fact]
    public void A_Dockerfile_without_a_pin_is_named_with_the_fix()
    {
        Assert.Empty(BasePins.Find("ARG BASE_IMAGE=ubuntu:24.04\nFROM ${BASE_IMAGE}\n"));
        Assert.Contains("ARG BASE_IMAGE=docker.io/library/ubuntu:24.04@sha256:<digest>", BasePins.NonePinned("devcontainer/Dockerfile"));
    }

    [Fact]
    public void Up_front_each_pin_its_registry_cannot_answer_for_is_one_line_naming_the_image_its_line_and_the_fix()
    {
        var pin = new BasePin(9, "BASE_IMAGE", "docker.io/library/ubuntu", "24.04", "sha256:" + new string('a', 64));
        var unreachable = new RegistryAnswer(pin.TagReference, null, "registry-1.docker.io does not answer (lookup registry-1.docker.io: no such host)");
        Assert.Equal("UpdateBasePin cannot resolve docker.io/library/ubuntu:24.04 (ARG BASE_IMAGE at devcontainer/Dockerfile:9): registry-1.docker.io "
            + "does not answer (lookup registry-1.docker.io: no such host); run it where docker.io is reachable (the scheduled update-base-pin workflow does), "
            + "or set that line's digest to the one `docker buildx imagetools inspect docker.io/library/ubuntu:24.04` prints there (README, \"Building the images\").",
            Assert.Single(BasePins.Problems("devcontainer/Dockerfile", [(pin, unreachable)])));
        Assert.Contains("is not in its registry; fix the repository or tag on that line",
            Assert.Single(BasePins.Problems("devcontainer/Dockerfile", [(pin, new RegistryAnswer(pin.TagReference, null, null))])));
        Assert.Equal(BasePins.NonePinned("devcontainer/Dockerfile"), Assert.Single(BasePins.Problems("devcontainer/Dockerfile", [])));
        var answered = new RegistryAnswer(pin.TagReference, "{}", null);
        Assert.Empty(BasePins.Problems("devcontainer/Dockerfile", [(pin, answered)]));
        Assert.Equal("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", BasePins.CurrentDigest(answered));
    }
}
