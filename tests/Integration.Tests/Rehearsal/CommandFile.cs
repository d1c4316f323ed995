namespace Integration.Tests.Rehearsal;

/// <summary>GITHUB_OUTPUT / GITHUB_ENV content: `name=value` lines and `name&lt;&lt;DELIMITER` … `DELIMITER` blocks.</summary>
public static class CommandFile
{
    public static IReadOnlyList<KeyValuePair<string, string>> Read(string content)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var lines = content.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0) continue;
            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            var equals = line.IndexOf('=');
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                var delimiter = line[(heredoc + 2)..];
                var end = Array.IndexOf(lines, delimiter, i + 1);
                if (end < 0) throw new FormatException($"matching delimiter '{delimiter}' not found for {line[..heredoc]}");
                pairs.Add(KeyValuePair.Create(line[..heredoc], string.Join("\n", lines[(i + 1)..end])));
                i = end;
            }
            else if (equals > 0) pairs.Add(KeyValuePair.Create(line[..equals], line[(equals + 1)..]));
            else throw new FormatException($"invalid line in a command file: {line}");
        }
        return pairs;
    }
}
