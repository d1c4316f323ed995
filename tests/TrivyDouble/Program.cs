namespace TrivyDouble;

public static class Program
{
    public static int Main(string[] args) =>
        DoubleCli.Run(args, Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value),
            Directory.GetCurrentDirectory(), Console.Out, Console.Error);
}
