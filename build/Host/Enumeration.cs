using System.Reflection;

namespace Pipeline.Host;

/// <summary>
/// A typed enumeration (NUKE's <c>Enumeration</c>): a closed set of named values declared as
/// <c>public static readonly</c> fields. Parameters of such a type accept only those names.
/// </summary>
public abstract class Enumeration
{
    public required string Value { get; init; }

    public override string ToString() => Value;

    public static IReadOnlyList<T> All<T>() where T : Enumeration => AllOf(typeof(T)).Cast<T>().ToList();

    public static IReadOnlyList<Enumeration> AllOf(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == type)
            .Select(f => (Enumeration)f.GetValue(null)!)
            .ToList();

    public static bool TryParse(Type type, string text, out Enumeration? value)
    {
        value = AllOf(type).FirstOrDefault(e => string.Equals(e.Value, text, StringComparison.OrdinalIgnoreCase));
        return value is not null;
    }
}
