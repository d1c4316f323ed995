using Tests.Shared;
using Xunit;

namespace BuildTests.Publish;

public class ManifestStoreTests
{
    static readonly string[] Known = ManifestSamples.KnownIds;

    [Fact]
    public void Round_trips_and_matches_the_committed_shape()
    {
        var manifest = ManifestSamples.Manifest(ManifestSamples.Entry("gcc14-clang20"), ManifestSamples.Entry("gcc15-clangp2996"));
        var json = ManifestStore.Serialize(manifest, Known);
        Golden.Match("manifest-example.json", json);
        var back = ManifestStore.Parse(json, "test", Known);
        Assert.Equal(manifest.Sha, back.Sha);
        Assert.Equal(manifest.Created, back.Created);
        Assert.Equal(json, ManifestStore.Serialize(back, Known));
        Assert.Equal(manifest.Permutations[1].Tags, back.Permutations[1].Tags);
        Assert.Equal(manifest.Permutations[1].Scan.Counts, back.Permutations[1].Scan.Counts);
        Assert.Equal("127.0.0.1:5000/team/devcontainer@" + ManifestSamples.Digest('1'), back.Permutations[0].DigestReference);
    }

    [Fact]
    public void Refuses_to_write_a_manifest_that_fails_its_schema()
    {
        var bad = ManifestSamples.Manifest(ManifestSamples.Entry(digest: "sha256:short"));
        var error = Assert.Throws<InvalidManifestException>(() => ManifestStore.Serialize(bad, Known));
        Assert.Contains("fails schema manifest.v1.schema.json", error.Message);
        Assert.Contains("permutations[0].digest", error.Message);
    }

    [Theory]
    [InlineData("\"schemaVersion\": 1", "\"schemaVersion\": 2", "schemaVersion")]
    [InlineData("\"verdict\": \"pass\"", "\"verdict\": \"maybe\"", "verdict")]
    [InlineData("\"sha\": \"cccc", "\"sha\": \"XXXX", "sha")]
    public void Refuses_to_read_a_manifest_that_fails_its_schema(string from, string to, string path)
    {
        var json = ManifestStore.Serialize(ManifestSamples.Manifest(), Known).Replace(from, to);
        var error = Assert.Throws<InvalidManifestException>(() => ManifestStore.Parse(json, "m.json", Known));
        Assert.Contains(path, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Refuses_an_unknown_permutation_naming_it()
    {
        var json = ManifestStore.Serialize(ManifestSamples.Manifest(), Known).Replace("gcc15-clang20", "gcc99-clang1");
        var error = Assert.Throws<InvalidManifestException>(() => ManifestStore.Parse(json, "m.json", Known));
        Assert.Contains("unknown permutation 'gcc99-clang1'", error.Message);
    }

    [Fact]
    public void Refuses_a_permutation_listed_twice() =>
        Assert.Contains("twice", Assert.Throws<InvalidManifestException>(() =>
            ManifestStore.Serialize(ManifestSamples.Manifest(ManifestSamples.Entry(), ManifestSamples.Entry()), Known)).Message);

    [Fact]
    public void Refuses_invalid_json_and_a_missing_file()
    {
        Assert.Contains("not valid JSON", Assert.Throws<InvalidManifestException>(() => ManifestStore.Parse("{ nope", "m.json", Known)).Message);
        Assert.Contains("does not exist", Assert.Throws<InvalidManifestException>(() => ManifestStore.Read("/nonexistent/manifest.json", Known)).Message);
    }

    [Fact]
    public void The_embedded_schema_is_the_committed_file()
    {
        var committed = File.ReadAllText(Path.Combine(RepoRoot(), "build", "Schemas", "manifest.v1.schema.json"));
        Assert.Equal(committed, ManifestStore.SchemaText());
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, ".nuke"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
