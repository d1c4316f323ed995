using Xunit;

namespace BuildTests.Bake;

public class DockerBuildxTests
{
    [Fact]
    public void Bake_arguments_are_a_list_in_buildx_order()
    {
        var settings = new BakeSettings
        {
            Files = ["/r/docker-bake.hcl", "/r/artifacts/bake.override.json"],
            Targets = ["validate-a"],
            MetadataFile = "/r/artifacts/bake-metadata.json",
            Builder = "remote builder",
            Sets = ["validate-a.platform=linux/arm64"],
        };
        Assert.Equal(
            ["buildx", "bake", "--builder", "remote builder", "-f", "/r/docker-bake.hcl", "-f", "/r/artifacts/bake.override.json",
             "--metadata-file", "/r/artifacts/bake-metadata.json", "--set", "validate-a.platform=linux/arm64", "--progress", "plain", "validate-a"],
            settings.ToArguments());
    }

    [Fact]
    public void Print_needs_no_progress_and_no_builder_when_none_is_given()
    {
        Assert.Equal(["buildx", "bake", "-f", "f.hcl", "--print", "a", "b"],
            new BakeSettings { Files = ["f.hcl"], Targets = ["a", "b"], Print = true }.ToArguments());
    }

    [Fact]
    public void Bake_print_output_is_parsed_into_groups_and_targets()
    {
        var definition = BakeDefinition.Parse("""
            {"group":{"default":{"targets":["a"]},"validate":{"targets":["validate-a"]}},
             "target":{"a":{"context":".","args":{"BASE_IMAGE":"b:1"},"target":"image","platforms":["linux/amd64"],"cache-from":["type=registry,ref=x"]},
                       "validate-a":{"target":"validate","output":["type=cacheonly"]}}}
            """);
        Assert.Equal(["a"], definition.Groups["default"]);
        Assert.Equal(["validate-a"], definition.Groups["validate"]);
        Assert.Equal("b:1", definition.Targets["a"].Args["BASE_IMAGE"]);
        Assert.Equal(("image", "validate"), (definition.Targets["a"].Stage, definition.Targets["validate-a"].Stage));
        Assert.Equal(["type=registry,ref=x"], definition.Targets["a"].CacheFrom);
        Assert.Equal(["type=cacheonly"], definition.Targets["validate-a"].Output);
    }

    [Fact]
    public void Metadata_file_digests_are_read_per_target()
    {
        var digests = BakeMetadata.Digests("""{"a":{"containerimage.digest":"sha256:1"},"b":{"containerimage.digest":"sha256:2"},"buildx.build.warnings":[]}""");
        Assert.Equal(new Dictionary<string, string> { ["a"] = "sha256:1", ["b"] = "sha256:2" }, digests);
    }

    [Fact]
    public void Smoke_test_failures_are_extracted_from_plain_progress()
    {
        var output = """
            #9 [linux/arm64 validate 2/2] RUN /tests/run.sh
            #9 0.512 ok gcc-version
            #9 0.613 FAIL clang-version: expected 20, got 19
            #9 ERROR: process "/bin/sh -c /tests/run.sh" did not complete successfully: exit code: 1
            ERROR: target validate-a: failed to solve: process "/bin/sh -c /tests/run.sh" did not complete successfully: exit code: 1
            """;
        Assert.Equal(["FAIL clang-version: expected 20, got 19"], ValidateReport.Reasons(output));
        Assert.Equal(["SMOKE TEST FAILED [a linux/arm64]: gcc reports version '0-broken', expected '14'"],
            ValidateReport.Reasons("#7 0.311 SMOKE TEST FAILED [a linux/arm64]: gcc reports version '0-broken', expected '14'\n"));
        Assert.StartsWith("ERROR: target validate-a", ValidateReport.Reasons(output.Replace("FAIL", "fail")).Single());
        Assert.Equal("Smoke tests failed for a on linux/arm64 (FAIL x); fix the image or its tests, then re-run ./build.sh Validate.",
            ValidateReport.Summarize([new ValidateFailure("a", "linux/arm64", ["FAIL x"])]));
    }

    [Fact]
    public void The_binary_identity_changes_when_the_buildx_plugin_or_the_cli_changes_and_is_null_without_a_plugin()
    {
        var root = Directory.CreateTempSubdirectory("buildx-identity-").FullName;
        try
        {
            var bin = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
            var config = Path.Combine(root, "docker-config");
            File.WriteAllText(Path.Combine(bin, "docker"), "cli v1");
            var environment = new Dictionary<string, string?> { ["PATH"] = bin, ["DOCKER_CONFIG"] = config, ["HOME"] = root };
            if (BakePrinter.BinaryIdentity(environment) is { } systemWide) Assert.DoesNotContain(config, systemWide); // a plugin installed on this machine
            var plugin = Path.Combine(Directory.CreateDirectory(Path.Combine(config, "cli-plugins")).FullName, "docker-buildx");
            File.WriteAllText(plugin, "buildx v0.13");
            var before = BakePrinter.BinaryIdentity(environment);
            Assert.NotNull(before);
            Assert.Contains(plugin, before);
            Assert.Equal(before, BakePrinter.BinaryIdentity(environment));

            File.WriteAllText(plugin, "buildx v0.14.0"); // an upgrade: another size
            var upgraded = BakePrinter.BinaryIdentity(environment);
            Assert.NotEqual(before, upgraded);
            File.SetLastWriteTimeUtc(plugin, File.GetLastWriteTimeUtc(plugin).AddMinutes(1)); // same size, replaced later
            Assert.NotEqual(upgraded, BakePrinter.BinaryIdentity(environment));

            var withPlugin = BakePrinter.BinaryIdentity(environment);
            File.WriteAllText(Path.Combine(bin, "docker"), "cli v2.0");
            Assert.NotEqual(withPlugin, BakePrinter.BinaryIdentity(environment));

            // A plugin directory named in the CLI's config counts too.
            var extra = Directory.CreateDirectory(Path.Combine(root, "extra")).FullName;
            File.WriteAllText(Path.Combine(extra, "docker-buildx"), "buildx v0.15");
            File.WriteAllText(Path.Combine(config, "config.json"), $$"""{"cliPluginsExtraDirs":["{{extra}}"]}""");
            Assert.Contains(Path.Combine(extra, "docker-buildx"), BakePrinter.BinaryIdentity(environment));
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
