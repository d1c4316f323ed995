using Tests.Shared;
using Xunit;

public class GoldenSelfTests
{
    [Fact]
    public void Mismatch_fails_and_writes_the_received_file()
    {
        if (Environment.GetEnvironmentVariable("ACCEPT_GOLDEN") == "1") return;
        var error = Assert.ThrowsAny<Exception>(() => Golden.Match("golden-self-test.txt", "something else\n"));
        Assert.Contains("golden-self-test.txt", error.Message);
        Golden.Match("golden-self-test.txt", "expected text\n");
    }
}
