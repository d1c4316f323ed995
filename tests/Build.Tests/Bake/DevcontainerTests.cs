using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;
using Xunit;

namespace BuildTests.Bake;

public class DevcontainerTests
{
    static readonly string Dockerfile = RepositoryFiles.Read("devcontainer/Dockerfile");
    static readonly JsonSchema Schema = LoadSchema(RepositoryFiles.PathOf("tests/Build.Tests/Bake/devContainer.base.schema.json"));

    // The schema's top level is oneOf [a devcontainer.json (image, Dockerfile or compose), the common properties
    // alone (what image metadata holds)]. NJsonSchema ignores "additionalProperties" beside "$ref", so both
    // alternatives would match a devcontainer.json; each file is checked against its own alternative instead.
    static JsonSchema ConfigFileSchema => Schema.OneOf.First();
    static JsonSchema CommonSchema => Schema.Definitions["devContainerCommon"];

    /// <summary>
    /// The devcontainer spec's schema (a copy of the shared fixture). NJsonSchema cannot read boolean subschemas
    /// under patternProperties (the upstream file has one), so those become their object equivalents first.
    /// </summary>
    static JsonSchema LoadSchema(string path)
    {
        var root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        void Walk(JsonNode? node)
        {
            if (node is JsonArray array) foreach (var item in array) Walk(item);
            if (node is not JsonObject obj) return;
            if (obj["patternProperties"] is JsonObject patterns)
                foreach (var key in patterns.Select(p => p.Key).ToList())
                    if (patterns[key] is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
                        patterns[key] = value.GetValue<bool>() ? new JsonObject() : new JsonObject { ["not"] = new JsonObject() };
            foreach (var child in obj.Select(p => p.Value).ToList()) Walk(child);
        }
        Walk(root);
        return JsonSchema.FromJsonAsync(root.ToJsonString()).GetAwaiter().GetResult();
    }

    static string Json(string jsonc) => JsonDocument.Parse(jsonc, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }).RootElement.GetRawText();

    static string Stage(string name) => Regex.Match(Dockerfile, $@"(?im)^FROM\s+(\S+)\s+AS\s+{name}\s*$").Groups[1].Value;

    [Fact]
    public void Devcontainer_json_is_valid_against_the_devcontainer_schema()
    {
        var errors = ConfigFileSchema.Validate(Json(RepositoryFiles.Read("devcontainer/devcontainer.json")));
        Assert.True(errors.Count == 0, Describe(errors));
    }

    static string Describe(IEnumerable<NJsonSchema.Validation.ValidationError> errors, string indent = "") =>
        string.Join("\n", errors.Select(e => $"{indent}{e.Path}: {e.Kind}" + (e is NJsonSchema.Validation.ChildSchemaValidationError child
            ? "\n" + string.Join("\n", child.Errors.Select(c => Describe(c.Value, indent + "  "))) : "")));

    [Fact]
    public void The_schema_check_rejects_an_invalid_file()
    {
        Assert.NotEmpty(ConfigFileSchema.Validate("""{"build":{"dockerfile":"Dockerfile"},"remoteUser":42}"""));
        Assert.NotEmpty(ConfigFileSchema.Validate("""{"remoteUser":"dev"}"""));
        Assert.NotEmpty(CommonSchema.Validate("""{"remoteUser":42}"""));
    }

    [Fact]
    public void Devcontainer_json_builds_a_real_permutation()
    {
        using var json = JsonDocument.Parse(Json(RepositoryFiles.Read("devcontainer/devcontainer.json")));
        var args = json.RootElement.GetProperty("build").GetProperty("args");
        Assert.Contains(Permutation.All, p => p.Gcc == args.GetProperty("GCC_VERSION").GetString() && p.Clang == args.GetProperty("CLANG_VERSION").GetString());
        Assert.Equal("image", json.RootElement.GetProperty("build").GetProperty("target").GetString());
    }

    [Fact]
    public void Metadata_label_is_schema_valid_and_names_the_non_root_user()
    {
        var label = Regex.Match(Dockerfile, @"LABEL devcontainer\.metadata=""((?:[^""\\]|\\.)*)""").Groups[1].Value.Replace("\\\"", "\"");
        using var entries = JsonDocument.Parse(label);
        var user = Regex.Match(Dockerfile, @"ARG USERNAME=(\S+)").Groups[1].Value;
        Assert.NotEqual("root", user);
        foreach (var entry in entries.RootElement.EnumerateArray())
        {
            Assert.Empty(CommonSchema.Validate(entry.GetRawText()));
            Assert.All(entry.EnumerateObject(), p => Assert.Contains(p.Name, CommonSchema.Properties.Keys));
            Assert.Equal(user, entry.GetProperty("remoteUser").GetString());
        }
        Assert.Matches(@"(?m)^USER \$\{USERNAME\}\s*$", Dockerfile);
    }

    [Fact]
    public void Base_image_is_pinned_by_digest_once_in_the_Dockerfile_and_the_bake_file_only_passes_an_override()
    {
        var pin = Assert.Single(BasePins.Find(Dockerfile)); // the one place, and what UpdateBasePin moves
        Assert.Equal(("BASE_IMAGE", "docker.io/library/ubuntu", "24.04"), (pin.Arg, pin.Repository, pin.Tag));
        Assert.Equal(pin.Digest, BaseImage.DigestIn(pin.Pinned));
        var bakeFile = RepositoryFiles.Read("docker-bake.hcl");
        Assert.DoesNotContain("sha256:", bakeFile);
        Assert.DoesNotContain("ubuntu", bakeFile);
        // Unset (empty), the arg is left out (null), so the Dockerfile's default applies; set, it overrides it.
        Assert.Matches(@"variable ""BASE_IMAGE"" \{\s*default = """"\s*\}", bakeFile);
        Assert.Contains("BASE_IMAGE          = BASE_IMAGE != \"\" ? BASE_IMAGE : null", bakeFile);
    }

    [Fact]
    public void Stages_image_and_validate_exist_and_validate_tests_the_image()
    {
        Assert.Equal("${BASE_IMAGE}", Stage("base"));
        Assert.Equal("base", Stage("image"));
        Assert.Equal("image", Stage("validate"));
        Assert.Equal("base", Stage("clang-p2996-build"));
        Assert.Contains("RUN sh /tmp/smoke/no-secrets.sh /", Dockerfile);
    }

    // A PEM block's shape with a made-up body: the scan looks at structure, not at whether the key is valid.
    const string PemBody = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\nNMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ\n";

    static string Pem(string type, string body = PemBody, string headers = "") =>
        $"-----BEGIN {type}PRIVATE KEY-----\n{headers}{body}-----END {type}PRIVATE KEY-----\n";

    [Fact]
    public void Secret_scan_finds_keys_and_tokens_and_passes_a_clean_tree()
    {
        var root = Directory.CreateTempSubdirectory("no-secrets-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "etc"));
            File.WriteAllText(Path.Combine(root, "etc", "hosts"), "127.0.0.1 localhost\n");
            File.WriteAllText(Path.Combine(root, "etc", ".npmrc"), "//registry/:_authToken=${NPM_TOKEN}\n");
            var (clean, cleanOutput) = Run(root);
            Assert.True(clean == 0, cleanOutput);

            Directory.CreateDirectory(Path.Combine(root, "home", "dev", ".ssh"));
            File.WriteAllText(Path.Combine(root, "home", "dev", ".ssh", "id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
            File.WriteAllText(Path.Combine(root, "etc", "tls.pem"), Pem("EC "));
            File.WriteAllText(Path.Combine(root, "etc", "legacy.key"), Pem("RSA ", headers: "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0F1E2D3C4B5A69788796A5B4C3D2E1F0\n\n"));
            File.WriteAllText(Path.Combine(root, "etc", "secret.yaml"), "tls:\n  key: |\n" + string.Join("", Pem("").Split('\n').Select(l => "    " + l + "\r\n")));
            File.WriteAllText(Path.Combine(root, "home", "dev", ".git-credentials"), "https://u:p@example.com\n");
            Directory.CreateDirectory(Path.Combine(root, "home", "dev", ".config", "gh"));
            File.WriteAllText(Path.Combine(root, "home", "dev", ".config", "gh", "hosts.yml"), "github.com:\n  oauth_token: gho_x\n");
            File.WriteAllText(Path.Combine(root, "home", "dev", ".npmrc"), "//registry/:_authToken=npm_abc\n");
            var (code, output) = Run(root);
            Assert.Equal(1, code);
            foreach (var path in new[] { "/home/dev/.ssh/id_rsa", "/etc/tls.pem", "/etc/legacy.key", "/etc/secret.yaml", "/home/dev/.git-credentials", "/home/dev/.config/gh/hosts.yml", "/home/dev/.npmrc" })
                Assert.Contains($"FAIL secrets: {path}", output);
            Assert.DoesNotContain("/etc/.npmrc", output);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Secret_scan_passes_binaries_and_text_that_only_mention_the_PEM_header()
    {
        var root = Directory.CreateTempSubdirectory("no-secrets-").FullName;
        try
        {
            // What ssh, ssh-keygen, libgnutls and libssh look like to grep: a NUL-laden binary with the header string
            // (even a whole block) among its constants.
            Directory.CreateDirectory(Path.Combine(root, "usr", "bin"));
            File.WriteAllBytes(Path.Combine(root, "usr", "bin", "ssh-keygen"),
                [0x7f, .. "ELF"u8, 0, 0, 1, .. System.Text.Encoding.ASCII.GetBytes(Pem("OPENSSH ")), 0, 0, .. "-----BEGIN %s PRIVATE KEY-----"u8, 0]);
            // Documentation and code that name the header, or a header and footer with no key between them.
            Directory.CreateDirectory(Path.Combine(root, "usr", "share", "doc"));
            File.WriteAllText(Path.Combine(root, "usr", "share", "doc", "README"),
                "A key file starts with -----BEGIN RSA PRIVATE KEY----- and ends with the matching END line.\n");
            File.WriteAllText(Path.Combine(root, "usr", "share", "doc", "pem.py"),
                "HEADER = '-----BEGIN PRIVATE KEY-----'\nprint(HEADER)\n");
            File.WriteAllText(Path.Combine(root, "usr", "share", "doc", "empty.pem"), Pem("", body: ""));
            File.WriteAllText(Path.Combine(root, "usr", "share", "doc", "unterminated.pem"), "-----BEGIN PRIVATE KEY-----\n" + PemBody);
            var (code, output) = Run(root);
            Assert.True(code == 0, output);
            Assert.Contains("ok secrets", output);

            // The same tree with a planted key still fails, naming only the key.
            File.WriteAllText(Path.Combine(root, "usr", "share", "doc", "planted.pem"), "notes\n" + Pem("") + "more notes\n");
            (code, output) = Run(root);
            Assert.Equal(1, code);
            Assert.Equal("FAIL secrets: /usr/share/doc/planted.pem (PEM private key)", output.Trim());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    static (int, string) Run(string root)
    {
        var info = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(RepositoryFiles.PathOf("devcontainer/tests/no-secrets.sh"));
        info.ArgumentList.Add(root);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
