using System.Text;

namespace WorkflowTests;

/// <summary>A minimal line diff (longest common subsequence), printed as hunks of -/+ lines with their line numbers.</summary>
internal static class LineDiff
{
    public static string Unified(string before, string after, string beforeLabel, string afterLabel)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        for (var j = b.Length - 1; j >= 0; j--)
            lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);

        var output = new StringBuilder($"--- {beforeLabel}\n+++ {afterLabel}\n");
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) { x++; y++; continue; }
            output.Append($"@@ -{x + 1} +{y + 1} @@\n");
            while (x < a.Length || y < b.Length)
            {
                if (x < a.Length && y < b.Length && a[x] == b[y]) break;
                if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1])) output.Append("- ").Append(a[x++]).Append('\n');
                else output.Append("+ ").Append(b[y++]).Append('\n');
            }
        }
        return output.ToString();
    }
}
