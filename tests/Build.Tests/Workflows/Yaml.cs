using YamlDotNet.RepresentationModel;

namespace WorkflowTests;

/// <summary>Small navigation over a parsed workflow: `Yaml.Parse(text)["jobs"]["build"]["steps"]`.</summary>
internal sealed class Yaml(YamlNode? node)
{
    public static Yaml Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return new Yaml(stream.Documents.Single().RootNode);
    }

    public Yaml this[string key] => new(node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null);

    public bool Exists => node is not null;
    public string? Text => (node as YamlScalarNode)?.Value;
    public IReadOnlyList<Yaml> Items => (node as YamlSequenceNode)?.Children.Select(c => new Yaml(c)).ToList() ?? [];
    public IReadOnlyList<string> Strings => Items.Select(i => i.Text!).ToList();
    public IReadOnlyList<string> Keys => (node as YamlMappingNode)?.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList() ?? [];

    /// <summary>A job's checkout step (actions/checkout).</summary>
    public Yaml Checkout => this["steps"].Items.Single(s => s["uses"].Text?.StartsWith("actions/checkout@") == true);

    /// <summary>The steps of a job, found by their `run:` or `uses:` text.</summary>
    public int IndexOfStep(Func<Yaml, bool> predicate)
    {
        var steps = this["steps"].Items;
        for (var i = 0; i < steps.Count; i++) if (predicate(steps[i])) return i;
        return -1;
    }
}
