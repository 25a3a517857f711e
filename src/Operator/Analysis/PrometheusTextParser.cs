using System.Globalization;
using System.Text;

namespace MlOperator.Operator.Analysis;

/// <summary>
/// Reads Prometheus text exposition format 0.0.4 (what the sidecar's /metrics serves). No served NuGet package parses
/// it (prometheus-net only writes it), and analysis needs just samples: comments, HELP and TYPE lines are skipped.
/// </summary>
public static class PrometheusTextParser
{
    public static IReadOnlyList<MetricSample> Parse(string text)
    {
        var samples = new List<MetricSample>();
        var lineNumber = 0;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            samples.Add(ParseLine(line, lineNumber));
        }

        return samples;
    }

    private static MetricSample ParseLine(ReadOnlySpan<char> line, int lineNumber)
    {
        var i = 0;
        while (i < line.Length && IsNameChar(line[i], first: i == 0))
        {
            i++;
        }

        if (i == 0)
        {
            throw Error(lineNumber, "expected a metric name");
        }

        var name = line[..i].ToString();
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i = ParseLabels(line, i + 1, labels, lineNumber);
        }

        var rest = line[i..].Trim();
        var end = rest.IndexOfAny(' ', '\t');
        var valueText = end < 0 ? rest : rest[..end]; // an optional timestamp follows; analysis uses its own clock
        if (!TryParseValue(valueText, out var value))
        {
            throw Error(lineNumber, $"'{valueText}' is not a sample value");
        }

        return new MetricSample(name, labels, value);
    }

    private static int ParseLabels(ReadOnlySpan<char> line, int i, Dictionary<string, string> labels, int lineNumber)
    {
        while (true)
        {
            while (i < line.Length && line[i] is ' ' or ',')
            {
                i++;
            }

            if (i < line.Length && line[i] == '}')
            {
                return i + 1;
            }

            var start = i;
            while (i < line.Length && IsNameChar(line[i], first: i == start))
            {
                i++;
            }

            if (i == start || i + 1 >= line.Length || line[i] != '=' || line[i + 1] != '"')
            {
                throw Error(lineNumber, "expected label=\"value\"");
            }

            var labelName = line[start..i].ToString();
            i += 2;
            var value = new StringBuilder();
            while (true)
            {
                if (i >= line.Length)
                {
                    throw Error(lineNumber, $"unterminated value of label '{labelName}'");
                }

                var c = line[i++];
                if (c == '"')
                {
                    break;
                }

                if (c == '\\' && i < line.Length)
                {
                    var escaped = line[i++];
                    value.Append(escaped == 'n' ? '\n' : escaped);
                    continue;
                }

                value.Append(c);
            }

            labels[labelName] = value.ToString();
        }
    }

    private static bool TryParseValue(ReadOnlySpan<char> text, out double value)
    {
        switch (text)
        {
            case "+Inf" or "Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    private static bool IsNameChar(char c, bool first) =>
        char.IsAsciiLetter(c) || c is '_' or ':' || (!first && char.IsAsciiDigit(c));

    private static MetricsFormatException Error(int lineNumber, string what) => new($"line {lineNumber}: {what}");
}
