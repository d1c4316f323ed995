using System.Text;
using Xunit;

namespace BuildTests.Bake;

/// <summary>The key under which the static bake print is kept between runs, and the store.</summary>
public sealed class BakePrintCacheTests : IDisposable
{
    const string BakeFile = """
        variable "BASE_IMAGE" { default = "b:1" }
        target "gcc14-clang20" { args = { BASE_IMAGE = BASE_IMAGE } }
        """;
    const string Tools = "/usr/bin/docker 100 1\n/usr/lib/docker/cli-plugins/docker-buildx 200 1";
    static readonly string[] Targets = ["gcc14-clang20", "validate-gcc14-clang20"];
    static readonly Dictionary<string, string?> Environment = new() { ["BASE_IMAGE"] = "b:2", ["HOME"] = "/root", ["GITHUB_SHA"] = new string('a', 40) };

    readonly string _directory = Directory.CreateTempSubdirectory("bake-print-cache-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    static string Key(string bakeFile = BakeFile, IReadOnlyDictionary<string, string?>? environment = null, string tools = Tools,
        byte[]? dotEnv = null, IReadOnlyList<string>? targets = null) =>
        BakePrintCache.Key([("/repo/docker-bake.hcl", Encoding.UTF8.GetBytes(bakeFile))], dotEnv, targets ?? Targets, environment ?? Environment, tools, "X64");

    [Fact]
    public void The_key_is_the_same_for_the_same_inputs()
    {
        Assert.Equal(Key(), Key());
        Assert.Matches("^[0-9a-f]{64}$", Key());
    }

    [Fact]
    public void The_key_changes_with_the_bake_file()
    {
        Assert.NotEqual(Key(), Key(BakeFile.Replace("b:1", "b:3")));
        Assert.NotEqual(Key(), BakePrintCache.Key([("/elsewhere/docker-bake.hcl", Encoding.UTF8.GetBytes(BakeFile))], null, Targets, Environment, Tools, "X64"));
        Assert.NotEqual(Key(), Key(dotEnv: "BASE_IMAGE=b:4\n"u8.ToArray()));
        Assert.NotEqual(Key(), Key(targets: ["gcc14-clang20"]));
    }

    [Fact]
    public void The_key_changes_with_a_variable_the_bake_file_interpolates_and_not_with_others()
    {
        Assert.NotEqual(Key(), Key(environment: new Dictionary<string, string?>(Environment) { ["BASE_IMAGE"] = "b:5" }));
        Assert.NotEqual(Key(), Key(environment: new Dictionary<string, string?>(Environment) { ["BASE_IMAGE"] = null }));
        // What buildx and docker read themselves counts too.
        Assert.NotEqual(Key(), Key(environment: new Dictionary<string, string?>(Environment) { ["BUILDX_BAKE_ENTITLEMENTS_FS"] = "0" }));
        Assert.NotEqual(Key(), Key(environment: new Dictionary<string, string?>(Environment) { ["DOCKER_HOST"] = "unix:///other.sock" }));
        // A new commit (GITHUB_SHA) or an unrelated variable keeps the cached print.
        Assert.Equal(Key(), Key(environment: new Dictionary<string, string?>(Environment) { ["GITHUB_SHA"] = new string('b', 40), ["UNRELATED"] = "x" }));
    }

    [Fact]
    public void The_key_changes_with_the_docker_cli_or_buildx_binary()
    {
        Assert.NotEqual(Key(), Key(tools: Tools.Replace("docker-buildx 200 1", "docker-buildx 201 1")));
        Assert.NotEqual(Key(), Key(tools: Tools.Replace("docker-buildx 200 1", "docker-buildx 200 2")));
        Assert.NotEqual(Key(), Key(tools: Tools.Replace("/usr/bin/docker 100", "/usr/bin/docker 101")));
    }

    [Fact]
    public void A_stored_print_is_read_back_under_its_key_only()
    {
        Assert.Null(BakePrintCache.TryRead(_directory, Key()));
        Assert.True(BakePrintCache.Write(_directory, Key(), "{\"target\":{}}", holdsSecret: _ => false));
        Assert.Equal("{\"target\":{}}", BakePrintCache.TryRead(_directory, Key()));
        Assert.Null(BakePrintCache.TryRead(_directory, Key(BakeFile + "\n# edited\n")));
        Assert.Empty(Directory.GetFiles(_directory, "*.partial"));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, Key() + ".json")));
    }

    [Fact]
    public void A_print_holding_a_secret_is_never_stored()
    {
        Assert.False(BakePrintCache.Write(_directory, Key(), "{\"args\":{\"TOKEN\":\"s3cret\"}}", holdsSecret: text => text.Contains("s3cret")));
        Assert.Null(BakePrintCache.TryRead(_directory, Key()));
    }

    [Fact]
    public void Only_the_newest_entries_are_kept()
    {
        for (var i = 0; i < 40; i++)
        {
            var key = Key(BakeFile + $"# {i}\n");
            BakePrintCache.Write(_directory, key, "{}", holdsSecret: _ => false);
            File.SetLastWriteTimeUtc(Path.Combine(_directory, key + ".json"), DateTime.UtcNow.AddMinutes(i - 40));
        }
        Assert.Equal(32, Directory.GetFiles(_directory, "*.json").Length);
        Assert.NotNull(BakePrintCache.TryRead(_directory, Key(BakeFile + "# 39\n")));
    }
}
