using YamlDotNet.RepresentationModel;

namespace TrivyDouble;

/// <summary>
/// trivy.yaml flattened to dotted keys ("vulnerability.ignore-unfixed"), scalars and lists as Trivy reads them.
/// </summary>
internal sealed class TrivyConfig(IReadOnlyDictionary<string, IReadOnlyList<string>> values)
{
    public static readonly TrivyConfig Empty = new(new Dictionary<string, IReadOnlyList<string>>());

    public IReadOnlyList<string>? Get(string dottedKey) => values.GetValueOrDefault(dottedKey);

    public static TrivyConfig Load(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new DoubleUsageException($"config file {path} is not valid YAML: {e.Message}");
        }
        var flat = new Dictionary<string, IReadOnlyList<string>>();
        if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root)
            Flatten(root, "", flat);
        return new TrivyConfig(flat);
    }

    static void Flatten(YamlMappingNode node, string prefix, Dictionary<string, IReadOnlyList<string>> into)
    {
        foreach (var (keyNode, valueNode) in node.Children)
        {
            var key = prefix + ((YamlScalarNode)keyNode).Value;
            switch (valueNode)
            {
                case YamlMappingNode mapping: Flatten(mapping, key + ".", into); break;
                case YamlSequenceNode sequence:
                    into[key] = sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList(); break;
                case YamlScalarNode scalar: into[key] = [scalar.Value ?? ""]; break;
            }
        }
    }
}
