namespace Integration.Tests.Rehearsal;

/// <summary>
/// The `uses:` steps the rehearsal knows, each emulated on this machine; any other action, or an input an emulation
/// does not know, fails the step loudly. checkout → git clone of the origin repository at the event's commit;
/// upload/download-artifact → the run's <see cref="ArtifactStore"/>; docker/login-action → `docker login` only when
/// the job's permissions grant packages; upload-sarif → <see cref="UploadSarifAction"/> (code scanning: GitHub's API, the
/// fake); tool installers and caches → nothing (the machine has the tools).
/// </summary>
public static class ActionTable
{
    static readonly Dictionary<string, string[]> NoOps = new(StringComparer.OrdinalIgnoreCase)
    {
        ["actions/setup-dotnet"] = ["global-json-file", "dotnet-version"],
        ["actions/cache"] = ["path", "key", "restore-keys"],
        ["docker/setup-buildx-action"] = ["driver-opts", "version", "install"],
        ["docker/setup-qemu-action"] = ["image", "platforms"],
        ["aquasecurity/setup-trivy"] = ["version", "cache", "path"],
        ["sigstore/cosign-installer"] = ["cosign-release", "install-dir"],
    };

    public static Task<(bool Ok, string Output)> RunAsync(JobRun job, string uses, IReadOnlyDictionary<string, string> with,
        IReadOnlyDictionary<string, string?> env)
    {
        var action = uses.Split('@')[0];
        if (NoOps.TryGetValue(action, out var inputs))
        {
            Known(action, with, inputs);
            return Task.FromResult((true, $"rehearsal: {action} is not run (this machine provides the tool)"));
        }
        return action.ToLowerInvariant() switch
        {
            "actions/checkout" => CheckoutAsync(job, with, env),
            "actions/upload-artifact" => Task.FromResult(Upload(job, with)),
            "actions/download-artifact" => Task.FromResult(Download(job, with)),
            "docker/login-action" => LoginAsync(job, with, env),
            UploadSarifAction.Action => KnownThen(UploadSarifAction.Action, with, UploadSarifAction.Inputs, () => UploadSarifAction.RunAsync(job, with)),
            _ => throw new NotSupportedException($"the rehearsal does not know the action {uses}; add an emulation to ActionTable"),
        };
    }

    static async Task<(bool, string)> CheckoutAsync(JobRun job, IReadOnlyDictionary<string, string> with, IReadOnlyDictionary<string, string?> env)
    {
        Known("actions/checkout", with, ["persist-credentials", "fetch-depth"]);
        var origin = "file://" + job.Machine.OriginRepository;
        var full = with.GetValueOrDefault("fetch-depth") == "0";
        var @ref = job.Event.Ref;
        var tracking = @ref.StartsWith("refs/heads/") ? "refs/remotes/origin/" + @ref["refs/heads/".Length..] : "refs/remotes/" + @ref["refs/".Length..];
        string[][] commands =
        [
            ["init", "-q", "."],
            ["remote", "add", "origin", origin],
            full ? ["fetch", "-q", "--tags", "origin", "+refs/heads/*:refs/remotes/origin/*", $"+{@ref}:{tracking}"]
                 : ["fetch", "-q", "--no-tags", "--depth=1", "origin", $"+{@ref}:{tracking}"],
            @ref.StartsWith("refs/heads/") ? ["checkout", "-q", "-B", @ref["refs/heads/".Length..], tracking] : ["checkout", "-q", "--detach", tracking],
        ];
        var log = new System.Text.StringBuilder();
        foreach (var command in commands)
        {
            var (ok, output) = await job.RunToolAsync("git", command, env);
            log.Append(output);
            if (!ok) return (false, log + $"git {string.Join(' ', command)} failed");
        }
        var (_, head) = await job.RunToolAsync("git", ["rev-parse", "HEAD"], env);
        return head.Trim() == job.Event.Sha ? (true, log + $"checked out {head.Trim()}") : (false, $"{@ref} is {head.Trim()}, not the event's {job.Event.Sha}");
    }

    static (bool, string) Upload(JobRun job, IReadOnlyDictionary<string, string> with)
    {
        Known("actions/upload-artifact", with, ["name", "path", "retention-days", "if-no-files-found", "compression-level", "include-hidden-files", "overwrite"]);
        var paths = with.GetValueOrDefault("path", "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = job.Artifacts.Upload(with.GetValueOrDefault("name", "artifact"), paths, job.Workspace, with.GetValueOrDefault("if-no-files-found", "warn"),
            with.GetValueOrDefault("include-hidden-files") == "true", with.GetValueOrDefault("overwrite") == "true");
        return Report(job, result, $"uploaded {with.GetValueOrDefault("name", "artifact")}");
    }

    static (bool, string) Download(JobRun job, IReadOnlyDictionary<string, string> with)
    {
        Known("actions/download-artifact", with, ["name", "pattern", "path", "merge-multiple"]);
        var path = Path.GetFullPath(Path.Combine(job.Workspace, with.GetValueOrDefault("path", ".")));
        var result = job.Artifacts.Download(with.GetValueOrDefault("name"), with.GetValueOrDefault("pattern"), path, with.GetValueOrDefault("merge-multiple") == "true");
        return Report(job, result, $"downloaded into {Path.GetRelativePath(job.Workspace, path)}");
    }

    static (bool, string) Report(JobRun job, ArtifactResult result, string what)
    {
        var lines = result.Warnings.Select(w => "warning: " + w).Concat(result.Files.Select(f => "  " + f)).ToList();
        lines.Insert(0, result.Succeeded ? $"{what}: {result.Files.Count} file(s)" : "error: " + result.Failure);
        var text = string.Join("\n", lines);
        job.Machine.Log($"[{job.DisplayName}] {(result.Succeeded ? what : "error: " + result.Failure)}");
        return (result.Succeeded, text);
    }

    /// <summary>docker/login-action: the job's token reaches the registry only when its permissions grant packages.</summary>
    static async Task<(bool, string)> LoginAsync(JobRun job, IReadOnlyDictionary<string, string> with, IReadOnlyDictionary<string, string?> env)
    {
        Known("docker/login-action", with, ["registry", "username", "password", "logout"]);
        if (!job.Grants("packages", "read"))
            return (false, "docker/login-action: the job's permissions grant no packages scope, so its token cannot log in");
        var input = Path.Combine(job.Temp, "login-password");
        await File.WriteAllTextAsync(input, with.GetValueOrDefault("password", ""));
        try
        {
            return await job.RunToolAsync("bash", ["-c", "docker login \"$1\" --username \"$2\" --password-stdin < \"$3\"", "login",
                with.GetValueOrDefault("registry", ""), with.GetValueOrDefault("username", ""), input], env);
        }
        finally { File.Delete(input); }
    }

    static Task<(bool, string)> KnownThen(string action, IReadOnlyDictionary<string, string> with, string[] inputs, Func<Task<(bool, string)>> run)
    {
        Known(action, with, inputs);
        return run();
    }

    static void Known(string action, IReadOnlyDictionary<string, string> with, string[] inputs)
    {
        var unknown = with.Keys.Except(inputs).ToList();
        if (unknown.Count > 0) throw new NotSupportedException($"the rehearsal's {action} does not emulate the input(s) {string.Join(", ", unknown)}");
    }
}
