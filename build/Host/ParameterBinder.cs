using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Pipeline.Host;

/// <summary>A [Parameter] member of the build class.</summary>
internal sealed record ParameterMember(MemberInfo Member, string Name, string? Description, bool IsSecret, Type Type)
{
    public string Flag => "--" + ParsedArguments.ToKebabCase(Name);
    /// <summary>The variable help and errors name: NUKE_&lt;NAME&gt; for the host's own parameters (the only form read), else &lt;NAME&gt;.</summary>
    public string EnvironmentVariable => (IsBase ? "NUKE_" : "") + ParsedArguments.ToKebabCase(Name).Replace('-', '_').ToUpperInvariant();
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

/// <summary>
/// Raw text for a parameter and where it came from (named in error messages), e.g. " from environment variable X"; empty
/// for the command line. <paramref name="BareVariable"/> names a bare environment variable (REGISTRY) that gave it: that
/// may belong to another program, so a value the parameter cannot take is ignored with a warning instead of refused.
/// </summary>
internal sealed record RawValue(string[] Values, string Source, string? BareVariable = null);

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
    public RawValue? Lookup(ParameterMember parameter)
    {
        var (name, isArray) = (parameter.Name, parameter.IsArray);
        if (arguments.Parameters.TryGetValue(ParsedArguments.Normalize(name), out var cli))
            return new RawValue(cli, "");
        if (LookupEnvironment(name, prefixedOnly: parameter.IsBase) is var (variable, text, bare))
            return new RawValue(isArray ? text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries) : [text], $" from environment variable {variable}",
                bare ? variable : null);
        foreach (var (file, values) in parameterFiles.Reverse())
            if (values.TryGetValue(name, out var element))
                return new RawValue(
                    element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().Select(JsonText).ToArray() : [JsonText(element)],
                    $" from {file}");
        return null;
    }

    /// <summary>
    /// The variable that sets a parameter. NUKE_&lt;NAME&gt; (letters and digits compared, any case) is the build's own and
    /// wins; the bare &lt;NAME&gt; (the exact member name first) is NUKE's convention for the build's parameters, never for
    /// the host's own (<paramref name="prefixedOnly"/>): HOST, TARGET, PROFILE and the like are what shells and CI
    /// systems export for themselves.
    /// </summary>
    private (string Variable, string Text, bool Bare)? LookupEnvironment(string name, bool prefixedOnly)
    {
        var key = ParsedArguments.Normalize(name);
        if (Single(k => k == "nuke" + key, bare: false) is { } prefixed) return prefixed;
        if (prefixedOnly) return null;
        if (environment.TryGetValue(name, out var exact)) return (name, exact, true);
        return Single(k => k == key, bare: true);

        (string, string, bool)? Single(Func<string, bool> matches, bool bare)
        {
            var found = environment.Where(kv => matches(ParsedArguments.Normalize(kv.Key))).ToList();
            if (found.Count == 1) return (found[0].Key, found[0].Value, bare);
            if (found.Count > 1)
                Warnings.Add($"Parameter '{name}' matches several environment variables ({string.Join(", ", found.Select(m => m.Key).Order())}); none is used. Unset all but one.");
            return null;
        }
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
            if (Lookup(p) is { } raw && TryConvert(raw, p, out var value))
            {
                p.SetValue(build, value);
                given.Add(p.Name);
            }
        return given;
    }

    /// <summary>A bare variable's value the parameter cannot take is somebody else's setting: warned about, not bound.</summary>
    private bool TryConvert(RawValue raw, ParameterMember parameter, out object? value)
    {
        try
        {
            value = Convert(raw, parameter);
            return true;
        }
        catch (BuildInputException e) when (raw.BareVariable is { } variable)
        {
            Warnings.Add($"{e.Message} Ignored: {variable} may be another program's; set NUKE_{parameter.EnvironmentVariable} to give the build a value.");
            value = null;
            return false;
        }
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
