using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Host;

namespace Pipeline.Model;

/// <summary>An image a Dockerfile pulls from a registry: the reference as BuildKit sees it (ARGs expanded) and where.</summary>
/// <param name="Use">How the build uses it: <c>FROM</c>, <c>COPY --from</c> or <c>RUN --mount</c>.</param>
public sealed record ExternalImageUse(string Reference, int Line, string Use);

/// <summary>What a build of one stage pulls: the final stage's base (null for <c>FROM scratch</c>) and every external image.</summary>
public sealed record DockerfileImages(ExternalImageUse? FinalBase, IReadOnlyList<ExternalImageUse> External);

/// <summary>
/// Reads a Dockerfile the way BuildKit resolves its images, without building: global ARGs (before the first FROM) take
/// the bake args, else their defaults; FROM, <c>COPY --from</c> and <c>RUN --mount=from=</c> are expanded
/// (<c>$VAR</c>, <c>${VAR}</c>, <c>${VAR:-default}</c>, <c>${VAR-default}</c>, <c>${VAR:+alt}</c>); only stages the
/// target stage depends on count; a name or index of an earlier stage is that stage, <c>scratch</c> is no image.
/// Pure: text in, images out; a FROM that expands to nothing is one error line naming the file, the line and the fix.
/// </summary>
public static class DockerfileFromChain
{
    sealed record Stage(string? Name, int Index, string From, int Line, List<(string Reference, int Line, string Use)> Sources);

    public static DockerfileImages Resolve(string dockerfile, string fileName, IReadOnlyDictionary<string, string> bakeArgs, string? targetStage)
    {
        var globals = new Dictionary<string, string?>(StringComparer.Ordinal);
        var stages = new List<Stage>();
        Dictionary<string, string?>? stageArgs = null;
        foreach (var (line, text) in Instructions(dockerfile))
        {
            var (keyword, rest) = Split(text);
            switch (keyword)
            {
                case "ARG":
                    foreach (var (name, value) in ArgDeclarations(rest))
                    {
                        if (stageArgs is null)
                            globals[name] = bakeArgs.TryGetValue(name, out var given) ? given : value is null ? null : Expand(value, globals);
                        else // inside a stage only re-declared ARGs are visible; a bare one takes the global value (BuildKit)
                            stageArgs[name] = bakeArgs.TryGetValue(name, out var given) ? given
                                : value is not null ? Expand(value, stageArgs) : globals.GetValueOrDefault(name);
                    }
                    break;
                case "FROM":
                    var words = Flags(rest).Words;
                    if (words.Count == 0) throw new BuildInputException($"{fileName}:{line}: FROM names no image; write FROM <image> [AS <name>].");
                    var reference = Expand(words[0], globals);
                    if (reference.Length == 0)
                        throw new BuildInputException($"{fileName}:{line}: FROM {words[0]} expands to nothing: {Unset(words[0], globals)}; " +
                            "give the ARG a default before the first FROM (ARG NAME=<image>) or set it in the bake target's args.");
                    var stageName = words.Count >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
                    stages.Add(new Stage(stageName, stages.Count, reference, line, []));
                    stageArgs = new Dictionary<string, string?>(StringComparer.Ordinal);
                    break;
                case "COPY" or "ADD" when stages.Count > 0:
                    if (Flags(rest).Flags.GetValueOrDefault("from") is { } from)
                        stages[^1].Sources.Add((Expand(from, stageArgs!), line, "COPY --from"));
                    break;
                case "RUN" when stages.Count > 0:
                    foreach (var mount in MountsOf(rest))
                        if (MountFrom(mount) is { } source)
                            stages[^1].Sources.Add((Expand(source, stageArgs!), line, "RUN --mount"));
                    break;
            }
        }
        if (stages.Count == 0) throw new BuildInputException($"{fileName} has no FROM instruction; a Dockerfile starts its first stage with FROM <image>.");
        var target = targetStage is null ? stages[^1]
            : stages.FirstOrDefault(s => string.Equals(s.Name, targetStage, StringComparison.OrdinalIgnoreCase))
              ?? throw new BuildInputException($"{fileName} has no stage '{targetStage}' (the bake target's 'target'); name a stage with FROM <image> AS {targetStage}.");

        Stage? StageNamed(string reference, int before) =>
            stages.Take(before).LastOrDefault(s => string.Equals(s.Name, reference, StringComparison.OrdinalIgnoreCase))
            ?? (int.TryParse(reference, out var index) && index >= 0 && index < before ? stages[index] : null);

        var external = new List<ExternalImageUse>();
        var visited = new HashSet<int>();
        void Visit(Stage stage)
        {
            if (!visited.Add(stage.Index)) return;
            var parent = stages.Take(stage.Index).LastOrDefault(s => string.Equals(s.Name, stage.From, StringComparison.OrdinalIgnoreCase));
            if (parent is not null) Visit(parent);
            else if (!IsScratch(stage.From)) external.Add(new ExternalImageUse(stage.From, stage.Line, "FROM"));
            foreach (var (reference, line, use) in stage.Sources)
            {
                if (StageNamed(reference, stage.Index) is { } source) Visit(source);
                else if (!IsScratch(reference)) external.Add(new ExternalImageUse(reference, line, use));
            }
        }
        Visit(target);

        var baseStage = target;
        while (stages.Take(baseStage.Index).LastOrDefault(s => string.Equals(s.Name, baseStage.From, StringComparison.OrdinalIgnoreCase)) is { } parentStage)
            baseStage = parentStage;
        var finalBase = IsScratch(baseStage.From) ? null : new ExternalImageUse(baseStage.From, baseStage.Line, "FROM");
        return new DockerfileImages(finalBase, external.DistinctBy(e => e.Reference).ToList());
    }

    static bool IsScratch(string reference) => reference.Equals("scratch", StringComparison.OrdinalIgnoreCase);

    static string Unset(string word, Dictionary<string, string?> args)
    {
        var names = Regex.Matches(word, @"\$\{?([A-Za-z_][A-Za-z0-9_]*)").Select(m => m.Groups[1].Value).Distinct().ToList();
        var missing = names.Where(n => !args.TryGetValue(n, out var v) || string.IsNullOrEmpty(v)).ToList();
        return missing.Count == 0 ? "it is empty"
            : string.Join(", ", missing.Select(n => args.ContainsKey(n) ? $"ARG {n} has no default and no bake arg" : $"ARG {n} is not declared before the first FROM"));
    }

    /// <summary>Expands <c>$VAR</c>, <c>${VAR}</c> and the <c>:-</c>, <c>-</c>, <c>:+</c>, <c>+</c> forms; unknown names expand to nothing.</summary>
    public static string Expand(string word, IReadOnlyDictionary<string, string?> args)
    {
        var result = new StringBuilder();
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            if (c == '\\' && i + 1 < word.Length && word[i + 1] == '$') { result.Append('$'); i++; continue; }
            if (c != '$' || i + 1 >= word.Length) { result.Append(c); continue; }
            if (word[i + 1] == '{')
            {
                var close = word.IndexOf('}', i + 2);
                if (close < 0) { result.Append(word[i..]); break; }
                var inner = word[(i + 2)..close];
                var match = Regex.Match(inner, @"^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$", RegexOptions.Singleline);
                if (!match.Success) { result.Append(word[i..(close + 1)]); i = close; continue; }
                var value = args.GetValueOrDefault(match.Groups[1].Value);
                var set = value is not null;
                var nonEmpty = !string.IsNullOrEmpty(value);
                result.Append(match.Groups[2].Value switch
                {
                    ":-" => nonEmpty ? value : Expand(match.Groups[3].Value, args),
                    "-" => set ? value : Expand(match.Groups[3].Value, args),
                    ":+" => nonEmpty ? Expand(match.Groups[3].Value, args) : "",
                    "+" => set ? Expand(match.Groups[3].Value, args) : "",
                    _ => value ?? "",
                });
                i = close;
                continue;
            }
            var name = Regex.Match(word[(i + 1)..], @"^[A-Za-z_][A-Za-z0-9_]*");
            if (!name.Success) { result.Append(c); continue; }
            result.Append(args.GetValueOrDefault(name.Value) ?? "");
            i += name.Length;
        }
        return result.ToString();
    }

    /// <summary>Logical instructions with their first line number: comments dropped, continuations joined, heredoc bodies skipped.</summary>
    static IEnumerable<(int Line, string Text)> Instructions(string dockerfile)
    {
        var lines = dockerfile.Replace("\r\n", "\n").Split('\n');
        var escape = '\\';
        var directives = true;
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (directives && Regex.Match(trimmed, @"^#\s*escape\s*=\s*([\\`])\s*$", RegexOptions.IgnoreCase) is { Success: true } directive)
            {
                escape = directive.Groups[1].Value[0];
                continue;
            }
            if (trimmed.Length == 0 || trimmed.StartsWith('#')) { if (trimmed.Length == 0 || !Regex.IsMatch(trimmed, @"^#\s*\w+\s*=")) directives = false; continue; }
            directives = false;
            var start = i + 1;
            var text = new StringBuilder();
            var current = lines[i].TrimEnd();
            while (current.EndsWith(escape) && i + 1 < lines.Length)
            {
                text.Append(current[..^1]).Append(' ');
                // Comment lines inside a continued instruction are dropped, as BuildKit does.
                do { i++; } while (i + 1 < lines.Length && lines[i].TrimStart().StartsWith('#'));
                current = lines[i].TrimEnd();
            }
            text.Append(current.EndsWith(escape) ? current[..^1] : current);
            var instruction = text.ToString().Trim();
            foreach (Match heredoc in Regex.Matches(instruction, @"<<-?([""']?)([A-Za-z_][A-Za-z0-9_]*)\1"))
            {
                var strip = heredoc.Value.StartsWith("<<-", StringComparison.Ordinal);
                var end = heredoc.Groups[2].Value;
                while (++i < lines.Length && (strip ? lines[i].Trim() : lines[i].TrimEnd()) != end) { }
            }
            yield return (start, instruction);
        }
    }

    static (string Keyword, string Arguments) Split(string instruction)
    {
        var space = instruction.IndexOfAny([' ', '\t']);
        return space < 0 ? (instruction.ToUpperInvariant(), "") : (instruction[..space].ToUpperInvariant(), instruction[(space + 1)..].Trim());
    }

    /// <summary><c>ARG A</c>, <c>ARG A=1</c>, <c>ARG A="x y" B=2</c>: names with their (unquoted) defaults, null when none.</summary>
    static IEnumerable<(string Name, string? Value)> ArgDeclarations(string rest)
    {
        foreach (var word in Words(rest))
        {
            var equals = word.IndexOf('=');
            yield return equals < 0 ? (word, null) : (word[..equals], word[(equals + 1)..]);
        }
    }

    /// <summary>Leading <c>--flag=value</c> options (mounts collected separately) and the words after them.</summary>
    static (Dictionary<string, string> Flags, List<string> Mounts, List<string> Words) FlagsAndMounts(string rest)
    {
        var flags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var mounts = new List<string>();
        var words = Words(rest).ToList();
        var index = 0;
        for (; index < words.Count && words[index].StartsWith("--", StringComparison.Ordinal); index++)
        {
            var equals = words[index].IndexOf('=');
            var name = equals < 0 ? words[index][2..] : words[index][2..equals];
            var value = equals < 0 ? "" : words[index][(equals + 1)..];
            if (name.Equals("mount", StringComparison.OrdinalIgnoreCase)) mounts.Add(value);
            else flags[name] = value;
        }
        return (flags, mounts, words.Skip(index).ToList());
    }

    static (Dictionary<string, string> Flags, List<string> Words) Flags(string rest)
    {
        var (flags, _, words) = FlagsAndMounts(rest);
        return (flags, words);
    }

    static List<string> MountsOf(string rest) => FlagsAndMounts(rest).Mounts;

    static string? MountFrom(string mount) =>
        mount.Split(',').Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0].Trim().Equals("from", StringComparison.OrdinalIgnoreCase))?[1].Trim();

    /// <summary>Whitespace-separated words; double or single quotes group (and are removed), as in ARG values.</summary>
    static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        char? quote = null;
        var any = false;
        foreach (var c in text)
        {
            if (quote is not null)
            {
                if (c == quote) quote = null; else word.Append(c);
                continue;
            }
            if (c is '"' or '\'') { quote = c; any = true; continue; }
            if (char.IsWhiteSpace(c))
            {
                if (any || word.Length > 0) yield return word.ToString();
                word.Clear();
                any = false;
                continue;
            }
            word.Append(c);
        }
        if (any || word.Length > 0) yield return word.ToString();
    }
}
