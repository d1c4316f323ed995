using System.Text.RegularExpressions;
using Pipeline.Retention;
using Xunit;

namespace BuildTests.Retention;

/// <summary>The workflows' artifact retention is the policy's, so docs/retention.md describes what CI really does.</summary>
public class ArtifactRetentionTests
{
    [Fact]
    public void Every_uploaded_artifact_is_kept_as_long_as_the_retention_policy_says()
    {
        var root = RetentionPolicyTests.FindRoot();
        var days = RetentionPolicy.Load(Path.Combine(root, RetentionPolicy.DefaultFileName)).Artifacts.RetentionDays;
        var workflows = Directory.GetFiles(Path.Combine(root, ".github", "workflows"), "*.yml");
        var uploads = workflows.SelectMany(file => File.ReadAllLines(file)
            .Select((line, i) => (file, i, line))
            .Where(x => x.line.Contains("actions/upload-artifact@"))).ToList();

        Assert.NotEmpty(uploads);
        foreach (var (file, index, _) in uploads)
        {
            var lines = File.ReadAllLines(file);
            var step = lines.Skip(index + 1).TakeWhile(l => !l.TrimStart().StartsWith("- ")).ToList();
            var retention = step.Select(l => Regex.Match(l, @"^\s*retention-days:\s*(\d+)\s*$")).FirstOrDefault(m => m.Success);
            Assert.True(retention is not null, $"{Path.GetFileName(file)} line {index + 1}: upload-artifact without retention-days");
            Assert.Equal(days, int.Parse(retention!.Groups[1].Value));
        }
    }
}
