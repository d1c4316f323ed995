using System.Globalization;
using System.Text;

namespace Integration.Tests.Rehearsal;

/// <summary>The job's status as the status functions see it; <see cref="NeedSkipped"/>: a job-level `if:` whose needs include a skipped job (neither success() nor failure()).</summary>
public enum JobStatus { Success, Failure, Cancelled, NeedSkipped }

/// <summary>
/// Evaluates GitHub Actions expressions (the part inside `${{ }}`, or a bare `if:`) against named contexts: literals,
/// property and index access, `!`, comparisons, `==`/`!=`, `&amp;&amp;`/`||` (returning an operand, as Actions does),
/// the functions contains, startsWith, endsWith, format, join, toJSON, fromJSON, the status functions and hashFiles (when
/// given a workspace's). Anything else (an unknown function or context, a syntax error) throws: the rehearsal must not guess.
/// </summary>
public sealed class ExpressionEvaluator(IReadOnlyDictionary<string, object?> contexts, JobStatus status = JobStatus.Success,
    Func<IReadOnlyList<string>, string>? hashFiles = null)
{
    IReadOnlyDictionary<string, object?> Contexts => contexts;

    public object? Evaluate(string expression)
    {
        var parser = new Parser(Tokenize(expression), this, expression);
        var value = parser.ParseOr();
        parser.ExpectEnd();
        return value;
    }

    /// <summary>A string with `${{ }}` parts replaced by their text; a string that is one `${{ }}` keeps its value's type.</summary>
    public object? Interpolate(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("${{") && trimmed.EndsWith("}}") && trimmed.IndexOf("${{", 3, StringComparison.Ordinal) < 0)
            return Evaluate(trimmed[3..^2]);
        var result = new StringBuilder();
        var position = 0;
        while (true)
        {
            var start = text.IndexOf("${{", position, StringComparison.Ordinal);
            if (start < 0) return result.Append(text[position..]).ToString();
            var end = text.IndexOf("}}", start + 3, StringComparison.Ordinal);
            if (end < 0) throw new FormatException($"unclosed ${{{{ in: {text}");
            result.Append(text[position..start]).Append(ExpressionValue.ToText(Evaluate(text[(start + 3)..end])));
            position = end + 2;
        }
    }

    public string InterpolateText(string text) => ExpressionValue.ToText(Interpolate(text));

    /// <summary>An `if:` condition: `${{ }}` optional; without a status function it means `success() &amp;&amp; (...)`.</summary>
    public bool Condition(string? condition)
    {
        if (string.IsNullOrWhiteSpace(condition)) return status == JobStatus.Success;
        var expression = condition.Trim();
        if (expression.StartsWith("${{") && expression.EndsWith("}}")) expression = expression[3..^2];
        var mentionsStatus = new[] { "success(", "failure(", "always(", "cancelled(" }
            .Any(f => expression.Contains(f, StringComparison.OrdinalIgnoreCase));
        var value = ExpressionValue.IsTruthy(Evaluate(expression));
        return mentionsStatus ? value : value && status == JobStatus.Success;
    }

    object? Call(string name, IReadOnlyList<object?> args, string expression)
    {
        string Text(int i) => ExpressionValue.ToText(args[i]);
        void Arity(int min, int max)
        {
            if (args.Count < min || args.Count > max) throw new FormatException($"{name}() takes {min}..{max} arguments, got {args.Count}: {expression}");
        }
        switch (name.ToLowerInvariant())
        {
            case "success": Arity(0, 0); return status == JobStatus.Success;
            case "failure": Arity(0, 0); return status == JobStatus.Failure;
            case "cancelled": Arity(0, 0); return status == JobStatus.Cancelled;
            case "always": Arity(0, 0); return true;
            case "contains":
                Arity(2, 2);
                return args[0] is IReadOnlyList<object?> list
                    ? list.Any(item => ExpressionValue.LooseEquals(item, args[1]))
                    : Text(0).Contains(Text(1), StringComparison.OrdinalIgnoreCase);
            case "startswith": Arity(2, 2); return Text(0).StartsWith(Text(1), StringComparison.OrdinalIgnoreCase);
            case "endswith": Arity(2, 2); return Text(0).EndsWith(Text(1), StringComparison.OrdinalIgnoreCase);
            case "format": Arity(1, int.MaxValue); return Format(Text(0), args.Skip(1).Select(ExpressionValue.ToText).ToList(), expression);
            case "join":
                Arity(1, 2);
                var separator = args.Count > 1 ? Text(1) : ",";
                return args[0] is IReadOnlyList<object?> items ? string.Join(separator, items.Select(ExpressionValue.ToText)) : Text(0);
            case "tojson": Arity(1, 1); return ExpressionValue.ToJson(args[0]);
            case "fromjson": Arity(1, 1); return ExpressionValue.FromJson(Text(0));
            case "hashfiles" when hashFiles is not null: Arity(1, int.MaxValue); return hashFiles(args.Select(ExpressionValue.ToText).ToList());
            default: throw new NotSupportedException($"the rehearsal does not evaluate {name}(): {expression}");
        }
    }

    static string Format(string pattern, IReadOnlyList<string> values, string expression)
    {
        var result = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '{' && i + 1 < pattern.Length && pattern[i + 1] == '{') { result.Append('{'); i++; continue; }
            if (c == '}' && i + 1 < pattern.Length && pattern[i + 1] == '}') { result.Append('}'); i++; continue; }
            if (c == '{')
            {
                var close = pattern.IndexOf('}', i);
                if (close < 0 || !int.TryParse(pattern[(i + 1)..close], out var index) || index >= values.Count)
                    throw new FormatException($"bad format placeholder in {expression}");
                result.Append(values[index]);
                i = close;
                continue;
            }
            result.Append(c);
        }
        return result.ToString();
    }

    enum Kind { Number, String, Identifier, Symbol, End }

    sealed record Token(Kind Kind, string Text);

    static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '\'')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length) throw new FormatException($"unterminated string in: {text}");
                    if (text[i] == '\'')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '\'') { value.Append('\''); i += 2; continue; }
                        i++;
                        break;
                    }
                    value.Append(text[i++]);
                }
                tokens.Add(new Token(Kind.String, value.ToString()));
                continue;
            }
            if (char.IsDigit(c) || (c == '-' && i + 1 < text.Length && char.IsDigit(text[i + 1]) && PrefixAllowsNumber(tokens)))
            {
                var start = i++;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '.' || text[i] == '_')) i++;
                tokens.Add(new Token(Kind.Number, text[start..i]));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                var start = i++;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '-')) i++;
                tokens.Add(new Token(Kind.Identifier, text[start..i]));
                continue;
            }
            var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
            if (two is "==" or "!=" or "<=" or ">=" or "&&" or "||") { tokens.Add(new Token(Kind.Symbol, two)); i += 2; continue; }
            if ("!<>()[].,*".Contains(c)) { tokens.Add(new Token(Kind.Symbol, c.ToString())); i++; continue; }
            throw new FormatException($"unexpected '{c}' in: {text}");
        }
        tokens.Add(new Token(Kind.End, ""));
        return tokens;
    }

    static bool PrefixAllowsNumber(List<Token> tokens) => tokens.Count == 0 || tokens[^1] is { Kind: Kind.Symbol, Text: not (")" or "]") };

    sealed class Parser(List<Token> tokens, ExpressionEvaluator owner, string expression)
    {
        int position;

        Token Peek => tokens[position];

        bool Accept(string symbol)
        {
            if (Peek.Kind != Kind.Symbol || Peek.Text != symbol) return false;
            position++;
            return true;
        }

        void Expect(string symbol)
        {
            if (!Accept(symbol)) throw new FormatException($"expected '{symbol}' at '{Peek.Text}' in: {expression}");
        }

        public void ExpectEnd()
        {
            if (Peek.Kind != Kind.End) throw new FormatException($"unexpected '{Peek.Text}' in: {expression}");
        }

        public object? ParseOr()
        {
            var left = ParseAnd();
            while (Accept("||"))
            {
                var right = ParseAnd();
                left = ExpressionValue.IsTruthy(left) ? left : right;
            }
            return left;
        }

        object? ParseAnd()
        {
            var left = ParseEquality();
            while (Accept("&&"))
            {
                var right = ParseEquality();
                left = ExpressionValue.IsTruthy(left) ? right : left;
            }
            return left;
        }

        object? ParseEquality()
        {
            var left = ParseComparison();
            while (true)
            {
                if (Accept("==")) left = ExpressionValue.LooseEquals(left, ParseComparison());
                else if (Accept("!=")) left = !ExpressionValue.LooseEquals(left, ParseComparison());
                else return left;
            }
        }

        object? ParseComparison()
        {
            var left = ParseUnary();
            while (Peek is { Kind: Kind.Symbol, Text: "<" or ">" or "<=" or ">=" } op)
            {
                position++;
                var order = ExpressionValue.Compare(left, ParseUnary());
                left = order is { } o && op.Text switch { "<" => o < 0, ">" => o > 0, "<=" => o <= 0, _ => o >= 0 };
            }
            return left;
        }

        object? ParseUnary() => Accept("!") ? !ExpressionValue.IsTruthy(ParseUnary()) : ParsePostfix(ParsePrimary());

        object? ParsePostfix(object? value)
        {
            while (true)
            {
                if (Accept("."))
                {
                    if (Peek.Kind != Kind.Identifier) throw new FormatException($"expected a property name after '.' in: {expression}");
                    value = Property(value, tokens[position++].Text);
                }
                else if (Accept("["))
                {
                    var index = ParseOr();
                    Expect("]");
                    value = index is double d && value is IReadOnlyList<object?> list
                        ? (d >= 0 && d < list.Count ? list[(int)d] : null)
                        : Property(value, ExpressionValue.ToText(index));
                }
                else return value;
            }
        }

        static object? Property(object? value, string name) =>
            value is IReadOnlyDictionary<string, object?> map && map.TryGetValue(name, out var found) ? found : null;

        object? ParsePrimary()
        {
            var token = tokens[position++];
            switch (token.Kind)
            {
                case Kind.String: return token.Text;
                case Kind.Number:
                    var number = ExpressionValue.ToNumber(token.Text);
                    return double.IsNaN(number) ? throw new FormatException($"bad number '{token.Text}' in: {expression}") : number;
                case Kind.Identifier:
                    switch (token.Text)
                    {
                        case "true": return true;
                        case "false": return false;
                        case "null": return null;
                    }
                    if (Accept("("))
                    {
                        var args = new List<object?>();
                        if (!Accept(")"))
                        {
                            do args.Add(ParseOr()); while (Accept(","));
                            Expect(")");
                        }
                        return owner.Call(token.Text, args, expression);
                    }
                    return owner.Contexts.TryGetValue(token.Text, out var context)
                        ? context
                        : throw new NotSupportedException($"the rehearsal has no context '{token.Text}': {expression}");
                case Kind.Symbol when token.Text == "(":
                    var inner = ParseOr();
                    Expect(")");
                    return inner;
                default: throw new FormatException($"unexpected '{token.Text}' in: {expression}");
            }
        }
    }
}
