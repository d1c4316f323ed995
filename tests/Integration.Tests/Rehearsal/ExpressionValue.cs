using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integration.Tests.Rehearsal;

/// <summary>
/// The values of GitHub Actions expressions: null, bool, double, string, an object (case-insensitive keys) or an
/// array, with Actions' coercions (loose equality, truthiness, string form) as its documentation defines them.
/// </summary>
public static class ExpressionValue
{
    public static Dictionary<string, object?> Object() => new(StringComparer.OrdinalIgnoreCase);

    public static bool IsTruthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        double d => d != 0 && !double.IsNaN(d),
        string s => s.Length > 0,
        _ => true,
    };

    /// <summary>Loose equality: equal types compare directly (strings ignoring case), else both become numbers.</summary>
    public static bool LooseEquals(object? left, object? right)
    {
        if (left is string ls && right is string rs) return string.Equals(ls, rs, StringComparison.OrdinalIgnoreCase);
        if (left is null && right is null) return true;
        if (left is bool lb && right is bool rb) return lb == rb;
        if (IsStructured(left) || IsStructured(right)) return ReferenceEquals(left, right);
        return ToNumber(left) == ToNumber(right);
    }

    public static int? Compare(object? left, object? right)
    {
        if (left is string ls && right is string rs) return string.Compare(ls, rs, StringComparison.OrdinalIgnoreCase);
        double l = ToNumber(left), r = ToNumber(right);
        return double.IsNaN(l) || double.IsNaN(r) ? null : l.CompareTo(r);
    }

    public static double ToNumber(object? value) => value switch
    {
        null => 0,
        bool b => b ? 1 : 0,
        double d => d,
        string s when s.Trim().Length == 0 => 0,
        string s when s.Trim().StartsWith("0x", StringComparison.OrdinalIgnoreCase) =>
            long.TryParse(s.Trim()[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) ? hex : double.NaN,
        string s => double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : double.NaN,
        _ => double.NaN,
    };

    /// <summary>The string an expression becomes inside `${{ }}` of a string: null → "", objects and arrays → JSON.</summary>
    public static string ToText(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        double d => d.ToString(CultureInfo.InvariantCulture),
        string s => s,
        _ => ToJson(value),
    };

    public static string ToJson(object? value) => ToNode(value)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null";

    public static object? FromJson(string json) => FromNode(JsonNode.Parse(json));

    public static object? FromNode(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.Aggregate(Object(), (map, pair) => { map[pair.Key] = FromNode(pair.Value); return map; }),
        JsonArray a => a.Select(FromNode).ToList(),
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.GetValue<double>(),
    };

    static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        bool b => JsonValue.Create(b),
        double d => JsonValue.Create(d),
        string s => JsonValue.Create(s),
        IReadOnlyDictionary<string, object?> o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, ToNode(p.Value)))),
        IReadOnlyList<object?> a => new JsonArray(a.Select(ToNode).ToArray()),
        _ => throw new ArgumentException($"not an expression value: {value.GetType().Name}"),
    };

    static bool IsStructured(object? value) => value is IReadOnlyDictionary<string, object?> or IReadOnlyList<object?>;
}
