using Pipeline.Host.Tooling;

namespace Pipeline.Tools;

/// <summary>Opens a cosign private key the way signing will: derives its public key with the password.</summary>
public static class CosignKeys
{
    /// <summary>
    /// The public key PEM, or cosign's error. cosign writes its --outfile before it knows the password is right (a
    /// 0-byte file on failure), so it writes into a private temporary directory and only the text comes back.
    /// </summary>
    public static async Task<(string? PublicKeyPem, string Error)> DerivePublicKeyAsync(ToolLocation cosign, string keyPath,
        IReadOnlyDictionary<string, string?> cosignEnvironment, string workingDirectory)
    {
        var directory = Directory.CreateTempSubdirectory("cosign-pub-");
        try
        {
            var output = Path.Combine(directory.FullName, "cosign.pub");
            var result = await cosign.RunAsync(Cosign.PublicKeyArguments(keyPath, output), [keyPath, output], workingDirectory, cosignEnvironment, logOutput: false);
            var text = File.Exists(output) ? await File.ReadAllTextAsync(output) : "";
            return result.Succeeded && text.Length > 0 ? (text, "") : (null, ToolOutput.LastLine(result.StandardError + result.StandardOutput));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Writes a file whole or not at all (temporary file, then rename), so a failure never leaves it empty.</summary>
    public static void WriteAtomically(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}"; // concurrent writers of one run too
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
