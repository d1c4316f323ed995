namespace Pipeline.Host;

/// <summary>An absolute, normalised file-system path; <c>root / "a" / "b"</c> joins segments.</summary>
public sealed record AbsolutePath
{
    private AbsolutePath(string path) => Value = path;

    public string Value { get; }

    public static AbsolutePath Create(string path) => new(Path.GetFullPath(path));

    public static AbsolutePath operator /(AbsolutePath left, string right) => new(Path.GetFullPath(Path.Combine(left.Value, right)));

    public static implicit operator string(AbsolutePath path) => path.Value;

    public AbsolutePath Parent => new(Path.GetDirectoryName(Value) ?? Value);
    public string Name => Path.GetFileName(Value);
    public bool FileExists() => File.Exists(Value);
    public bool DirectoryExists() => Directory.Exists(Value);
    public AbsolutePath CreateDirectory() { Directory.CreateDirectory(Value); return this; }
    public string RelativeTo(AbsolutePath baseDirectory) => Path.GetRelativePath(baseDirectory.Value, Value).Replace('\\', '/');
    public override string ToString() => Value;
}
