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

    public object? GetValue(object build) => Member switch
    {
        FieldInfo f => f.GetValue(build),
        PropertyInfo p => p.GetValue(build),
        _ => null,
    };

    public void SetValue(object build, object? value)
    {
        switch (Member)
        {
            case FieldInfo f: f.SetValue(build, value); break;
            case PropertyInfo p: p.SetValue(build, value); break;
        }
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
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
}

/// <summary>
/// Binds parameters with NUKE's precedence: command line, then environment, then the last --profile
/// file, …, then .nuke/parameters.json, then the member's initializer.
/// </summary>
internal sealed class ParameterBinder(
    ParsedArguments arguments,
    IReadOnlyDictionary<string, string> environment,
    IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> parameterFiles)
{
    public List<string> Warnings { get; } = [];

    /// <summary>The raw text values for a parameter, or null when no source names it.</summary>
    public string[]? Lookup(string name)
    {
        if (arguments.Parameters.TryGetValue(ParsedArguments.Normalize(name), out var cli))
            return cli;
        var fromEnvironment = LookupEnvironment(name);
        if (fromEnvironment is not null)
            return SplitEnvironmentValue(fromEnvironment);
        foreach (var file in parameterFiles.Reverse())
            if (file.TryGetValue(name, out var element))
                return element.ValueKind == JsonValueKind.Array
                    ? element.EnumerateArray().Select(JsonText).ToArray()
                    : [JsonText(element)];
        return null;
    }

    private string? LookupEnvironment(string name)
    {
        if (environment.TryGetValue(name, out var exact)) return exact;
        var key = ParsedArguments.Normalize(name);
        var matches = environment
            .Where(kv => ParsedArguments.Normalize(kv.Key) is var k && (k == key || k == "nuke" + key))
            .ToList();
        if (matches.Count == 1) return matches[0].Value;
        if (matches.Count > 1)
            Warnings.Add($"Parameter '{name}' matches several environment variables ({string.Join(", ", matches.Select(m => m.Key))}); none is used.");
        return null;
    }

    private static string[] SplitEnvironmentValue(string value) =>
        value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string JsonText(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();

    public void Bind(object build, IEnumerable<ParameterMember> parameters)
    {
        foreach (var p in parameters)
        {
            var raw = Lookup(p.Name);
            if (raw is null) continue;
            p.SetValue(build, Convert(raw, p.Type, p));
        }
    }

    public static object? Convert(string[] raw, Type type, ParameterMember? parameter = null)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsArray)
        {
            var element = underlying.GetElementType()!;
            var items = raw.SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
            var array = Array.CreateInstance(element, items.Length);
            for (var i = 0; i < items.Length; i++) array.SetValue(ConvertScalar(items[i], element, parameter), i);
            return array;
        }
        if (underlying == typeof(bool) && raw.Length == 0) return true;
        if (raw.Length != 1)
            throw new BuildInputException($"Parameter {parameter?.Flag ?? type.Name} takes one value but got {raw.Length}: {string.Join(" ", raw)}.");
        return ConvertScalar(raw[0], underlying, parameter);
    }

    private static object ConvertScalar(string text, Type type, ParameterMember? parameter)
    {
        var flag = parameter?.Flag ?? type.Name;
        string Bad(string expected) => $"Parameter {flag} got '{text}' but expects {expected}.";
        if (type == typeof(string)) return text;
        if (type == typeof(bool))
            return bool.TryParse(text, out var b) ? b : throw new BuildInputException(Bad("true or false"));
        if (type == typeof(int))
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new BuildInputException(Bad("a whole number"));
        if (type == typeof(TimeSpan))
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var ts) ? ts : throw new BuildInputException(Bad("a duration such as 00:10:00"));
        if (type.IsEnum)
            return Enum.TryParse(type, text.Replace("-", ""), ignoreCase: true, out var e) && Enum.IsDefined(type, e!)
                ? e!
                : throw new BuildInputException(Bad("one of " + string.Join(", ", Enum.GetNames(type))));
        if (typeof(Enumeration).IsAssignableFrom(type))
            return Enumeration.TryParse(type, text, out var v) ? v! : throw new BuildInputException(Bad("one of " + string.Join(", ", Enumeration.AllOf(type).Select(x => x.Value))));
        throw new BuildConfigurationException($"Parameter {flag} has type {type.Name}, which the build host cannot bind.");
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
