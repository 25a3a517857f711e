using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MlOperator.Metrics.Tests;

/// <summary>One parsed sample line.</summary>
public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4: it throws <see cref="FormatException"/> naming the line
/// for anything a Prometheus server would reject, plus the family rules (TYPE once, before its samples;
/// histogram buckets cumulative with +Inf equal to _count; no duplicate series).
/// </summary>
public static partial class ExpositionChecker
{
    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    public static IReadOnlyList<Sample> Check(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("exposition does not end with a newline");
        }

        var samples = new List<Sample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var helps = new HashSet<string>(StringComparer.Ordinal);
        var finishedFamilies = new HashSet<string>(StringComparer.Ordinal);
        var seriesSeen = new HashSet<string>(StringComparer.Ordinal);
        string? currentFamily = null;
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length - 1; index++)
        {
            var line = lines[index];
            var where = $"line {index + 1} '{line}'";
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[1] is "HELP" or "TYPE")
                {
                    var family = parts[2];
                    Require(MetricName().IsMatch(family), where, "bad metric name");
                    Require(family == currentFamily || !finishedFamilies.Contains(family), where, "family split");
                    if (parts[1] == "HELP")
                    {
                        Require(helps.Add(family), where, "second HELP");
                        CheckHelpEscapes(parts.Length == 4 ? parts[3] : "", where);
                    }
                    else
                    {
                        Require(parts.Length == 4 && Types.Contains(parts[3]), where, "bad TYPE");
                        Require(!types.ContainsKey(family), where, "second TYPE");
                        Require(!samples.Any(s => FamilyOf(s.Name, types) == family), where, "TYPE after samples");
                        types[family] = parts[3];
                    }

                    SwitchFamily(family);
                }

                continue;
            }

            Require(line.Length > 0, where, "empty line");
            var sample = ParseSample(line, where);
            var sampleFamily = FamilyOf(sample.Name, types);
            Require(sampleFamily == currentFamily || !finishedFamilies.Contains(sampleFamily), where, "family split");
            SwitchFamily(sampleFamily);
            var seriesKey = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)) + "}";
            Require(seriesSeen.Add(seriesKey), where, "duplicate series");
            samples.Add(sample);
        }

        CheckHistograms(samples, types);
        return samples;

        void SwitchFamily(string family)
        {
            if (currentFamily is not null && currentFamily != family)
            {
                finishedFamilies.Add(currentFamily);
            }

            currentFamily = family;
        }
    }

    private static string FamilyOf(string sampleName, Dictionary<string, string> types)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal))
            {
                var family = sampleName[..^suffix.Length];
                if (types.TryGetValue(family, out var type) && type is "histogram" or "summary")
                {
                    return family;
                }
            }
        }

        return sampleName;
    }

    private static Sample ParseSample(string line, string where)
    {
        var position = 0;
        while (position < line.Length && line[position] is not ('{' or ' '))
        {
            position++;
        }

        var name = line[..position];
        Require(MetricName().IsMatch(name), where, "bad metric name");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            while (true)
            {
                Require(position < line.Length, where, "unterminated labels");
                if (line[position] == '}')
                {
                    position++;
                    break;
                }

                var nameStart = position;
                while (position < line.Length && line[position] != '=')
                {
                    position++;
                }

                var labelName = line[nameStart..position];
                Require(LabelName().IsMatch(labelName), where, $"bad label name '{labelName}'");
                Require(position + 1 < line.Length && line[position + 1] == '"', where, "label value not quoted");
                position += 2;
                var value = new StringBuilder();
                while (true)
                {
                    Require(position < line.Length, where, "unterminated label value");
                    var c = line[position++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        Require(position < line.Length, where, "dangling escape");
                        var escaped = line[position++];
                        value.Append(escaped switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"{where}: bad escape \\{escaped}"),
                        });
                        continue;
                    }

                    value.Append(c);
                }

                Require(labels.TryAdd(labelName, value.ToString()), where, "duplicate label");
                Require(position < line.Length && line[position] is ',' or '}', where, "expected , or }");
                if (line[position] == ',')
                {
                    position++;
                }
            }
        }

        Require(position < line.Length && line[position] == ' ', where, "expected a space before the value");
        var fields = line[(position + 1)..].Split(' ');
        Require(fields.Length is 1 or 2, where, "expected value [timestamp]");
        return new Sample(name, labels, ParseValue(fields[0], where));
    }

    public static double ParseValue(string text, string where) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw new FormatException($"{where}: bad value '{text}'"),
    };

    private static void CheckHelpEscapes(string help, string where)
    {
        for (var i = 0; i < help.Length; i++)
        {
            if (help[i] == '\\')
            {
                Require(i + 1 < help.Length && help[i + 1] is '\\' or 'n', where, "bad HELP escape");
                i++;
            }
        }
    }

    private static void CheckHistograms(List<Sample> samples, Dictionary<string, string> types)
    {
        foreach (var (family, _) in types.Where(t => t.Value == "histogram"))
        {
            var bySeries = samples
                .Where(s => s.Name == family + "_bucket")
                .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal)));
            foreach (var series in bySeries)
            {
                var buckets = series.ToList();
                var previous = double.NegativeInfinity;
                var previousCount = 0d;
                foreach (var bucket in buckets)
                {
                    Require(bucket.Labels.TryGetValue("le", out var le), family, "bucket without le");
                    var bound = ParseValue(le!, family);
                    Require(bound > previous, family, "bucket bounds not increasing");
                    Require(bucket.Value >= previousCount, family, "buckets not cumulative");
                    previous = bound;
                    previousCount = bucket.Value;
                }

                Require(double.IsPositiveInfinity(previous), family, "no +Inf bucket");
                var count = samples.Single(s => s.Name == family + "_count" && SameLabels(s, buckets[0]));
                Require(count.Value == previousCount, family, "+Inf bucket differs from _count");
                Require(samples.Any(s => s.Name == family + "_sum" && SameLabels(s, buckets[0])), family, "no _sum");
            }
        }
    }

    private static bool SameLabels(Sample sample, Sample bucket) =>
        sample.Labels.Count == bucket.Labels.Count - 1
        && sample.Labels.All(l => bucket.Labels.TryGetValue(l.Key, out var v) && v == l.Value);

    private static void Require(bool condition, string where, string problem)
    {
        if (!condition)
        {
            throw new FormatException($"{where}: {problem}");
        }
    }
}
