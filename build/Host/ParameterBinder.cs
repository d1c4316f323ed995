using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Pipeline.Host;

/// <summary>A [Parameter] member of the build class.</summary>
internal sealed record ParameterMember(MemberInfo Member, string Name, string? Description, bool IsSecret, Type Type)
{
    public string Flag => "--" + ParsedArguments.ToKebabCase(Name);
    public string EnvironmentVariable => ParsedArguments.ToKebabCase(Name).Replace('-', '_').ToUpperInvariant();
    public bool IsBoolean => (Nullable.GetUnderlyingType(Type) ?? Type) == typeof(bool);
    public bool IsArray => Type.IsArray;
    public bool IsBase => Member.DeclaringType == typeof(NukeBuild);

    public object? GetValue(object build) => Member switch
    {
        FieldInfo f => f.GetValue(build),
        PropertyInfo p => p.GetValue(build),
        _ => null,
    };

    public void SetValue(object build, object? value)
    {
        if (Member is FieldInfo f) f.SetValue(build, value);
        else ((PropertyInfo)Member).SetValue(build, value);
    }

    public static IReadOnlyList<ParameterMember> Discover(Type buildType) =>
        buildType.GetMembers(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.FlattenHierarchy)
            .Where(m => m is FieldInfo or PropertyInfo)
            .Select(m => (Member: m, Attr: m.GetCustomAttribute<ParameterAttribute>()))
            .Where(x => x.Attr is not null)
            .Select(x => new ParameterMember(
                x.Member,
                x.Attr!.Name ?? x.Member.Name,
                x.Attr.Description,
                x.Member.GetCustomAttribute<SecretAttribute>() is not null,
                x.Member is FieldInfo f ? f.FieldType : ((PropertyInfo)x.Member).PropertyType))
            .GroupBy(p => p.Name).Select(g => g.First())
            .OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
}

/// <summary>Raw text for a parameter and where it came from (named in error messages), e.g. " from environment variable X"; empty for the command line.</summary>
internal sealed record RawValue(string[] Values, string Source);

/// <summary>
/// Binds parameters with NUKE's precedence: command line, then environment, then the last --profile
/// file, …, then .nuke/parameters.json, then the member's initializer.
/// </summary>
internal sealed class ParameterBinder(
    ParsedArguments arguments,
    IReadOnlyDictionary<string, string> environment,
    IReadOnlyList<(string Name, IReadOnlyDictionary<string, JsonElement> Values)> parameterFiles)
{
    public List<string> Warnings { get; } = [];

    /// <summary>The raw values for a parameter, or null when no source names it.</summary>
    public RawValue? Lookup(string name, bool isArray)
    {
        if (arguments.Parameters.TryGetValue(ParsedArguments.Normalize(name), out var cli))
            return new RawValue(cli, "");
        if (LookupEnvironment(name) is var (variable, text))
            return new RawValue(isArray ? text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries) : [text], $" from environment variable {variable}");
        foreach (var (file, values) in parameterFiles.Reverse())
            if (values.TryGetValue(name, out var element))
                return new RawValue(
                    element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().Select(JsonText).ToArray() : [JsonText(element)],
                    $" from {file}");
        return null;
    }

    /// <summary>NUKE's matching: the exact member name, else the one variable whose letters and digits equal NAME or NUKE+NAME.</summary>
    private (string Variable, string Text)? LookupEnvironment(string name)
    {
        if (environment.TryGetValue(name, out var exact)) return (name, exact);
        var key = ParsedArguments.Normalize(name);
        var matches = environment.Where(kv => ParsedArguments.Normalize(kv.Key) is var k && (k == key || k == "nuke" + key)).ToList();
        if (matches.Count == 1) return (matches[0].Key, matches[0].Value);
        if (matches.Count > 1)
            Warnings.Add($"Parameter '{name}' matches several environment variables ({string.Join(", ", matches.Select(m => m.Key).Order())}); none is used. Unset all but one.");
        return null;
    }

    /// <summary>A key in a parameters file that names no parameter is most likely a typo: warn with the closest name.</summary>
    public void WarnAboutUnknownKeys(IReadOnlyList<ParameterMember> parameters)
    {
        foreach (var (file, values) in parameterFiles)
        foreach (var key in values.Keys.Where(k => parameters.All(p => p.Name != k)))
            Warnings.Add($"{file} sets '{key}', which is not a parameter; did you mean '{Suggestions.Closest(key, parameters.Select(p => p.Name))}'? Keys are case-sensitive.");
    }

    private static string JsonText(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();

    /// <summary>Sets every parameter some source names; returns those names (the rest keep their initializers).</summary>
    public IReadOnlySet<string> Bind(object build, IEnumerable<ParameterMember> parameters)
    {
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in parameters)
            if (Lookup(p.Name, p.IsArray) is { } raw)
            {
                p.SetValue(build, Convert(raw, p));
                given.Add(p.Name);
            }
        return given;
    }

    public static object? Convert(RawValue raw, ParameterMember parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.Type) ?? parameter.Type;
        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var items = raw.Values.SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
            var array = Array.CreateInstance(element, items.Length);
            for (var i = 0; i < items.Length; i++) array.SetValue(ConvertScalar(items[i], Nullable.GetUnderlyingType(element) ?? element, parameter, raw.Source), i);
            return array;
        }
        if (type == typeof(bool) && raw.Values.Length == 0) return true;
        if (raw.Values.Length == 0)
            throw new BuildInputException($"Parameter {parameter.Flag} needs a value{raw.Source}: {parameter.Flag} <{HelpText.TypeText(parameter.Type)}>.");
        if (raw.Values.Length != 1)
            throw new BuildInputException($"Parameter {parameter.Flag} takes one value but got {raw.Values.Length}{raw.Source}: '{string.Join(" ", raw.Values)}'; quote a value with spaces, and put targets before the first parameter.");
        return ConvertScalar(raw.Values[0], type, parameter, raw.Source);
    }

    private static object ConvertScalar(string text, Type type, ParameterMember parameter, string source)
    {
        string Bad(string expected) => $"Parameter {parameter.Flag} got '{(parameter.IsSecret ? "****" : text)}'{source} but expects {expected}.";
        string OneOf(IReadOnlyList<string> values) => $"one of {string.Join(", ", values)} (did you mean '{Suggestions.Closest(text, values)}'?)";
        if (type == typeof(string)) return text;
        if (type == typeof(bool))
            return bool.TryParse(text, out var b) ? b : throw new BuildInputException(Bad("true or false"));
        if (type == typeof(int))
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new BuildInputException(Bad("a whole number"));
        if (type == typeof(TimeSpan))
            return ParseDuration(text) ?? throw new BuildInputException(Bad("a duration such as 90s, 10m, 2h or 00:10:00"));
        if (type.IsEnum)
            return Enum.GetNames(type).FirstOrDefault(n => ParsedArguments.Normalize(n) == ParsedArguments.Normalize(text)) is { } name
                ? Enum.Parse(type, name)
                : throw new BuildInputException(Bad(OneOf(HelpText.FlagValues(type)!)));
        if (typeof(Enumeration).IsAssignableFrom(type))
            return Enumeration.TryParse(type, text, out var v) ? v! : throw new BuildInputException(Bad(OneOf(HelpText.FlagValues(type)!)));
        throw new BuildConfigurationException($"Parameter {parameter.Flag} has type {type.Name}, which the build host cannot bind; use string, bool, int, TimeSpan, an enum, an Enumeration or an array of those.");
    }

    /// <summary>"90s", "10m", "2h", "1d" or TimeSpan's own "00:10:00".</summary>
    internal static TimeSpan? ParseDuration(string text)
    {
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
            switch (char.ToLowerInvariant(text[^1]))
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var ts) ? ts : null;
    }

    /// <summary>Null, empty strings and empty arrays count as "no value" for Requires.</summary>
    public static bool HasValue(object? value) => value switch
    {
        null => false,
        string s => s.Length > 0,
        ICollection c => c.Count > 0,
        _ => true,
    };
}
