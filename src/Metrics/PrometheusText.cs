using System.Globalization;
using System.Text;

namespace MlOperator.Metrics;

/// <summary>Name sanitising, escaping and number formatting of the Prometheus text format 0.0.4.</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Metric names allow [a-zA-Z_:][a-zA-Z0-9_:]*; OpenTelemetry-style dots and dashes become underscores.</summary>
    public static string SanitizeMetricName(string name) => Sanitize(name, allowColon: true);

    /// <summary>Label names allow [a-zA-Z_][a-zA-Z0-9_]*.</summary>
    public static string SanitizeLabelName(string name) => Sanitize(name, allowColon: false);

    private static string Sanitize(string name, bool allowColon)
    {
        if (name.Length == 0)
        {
            return "_";
        }

        var builder = new StringBuilder(name.Length + 1);
        if (char.IsAsciiDigit(name[0]))
        {
            builder.Append('_');
        }

        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        return builder.ToString();
    }

    public static string EscapeLabelValue(string value)
    {
        if (value.AsSpan().IndexOfAny('\\', '"', '\n') < 0)
        {
            return value;
        }

        return value.Replace("\\", @"\\").Replace("\"", "\\\"").Replace("\n", @"\n");
    }

    public static string EscapeHelp(string value)
    {
        if (value.AsSpan().IndexOfAny('\\', '\n') < 0)
        {
            return value;
        }

        return value.Replace("\\", @"\\").Replace("\n", @"\n");
    }

    public static string FormatDouble(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Tag values are objects; the exposition needs invariant text (lower-case booleans, as Prometheus users expect).</summary>
    public static string FormatTagValue(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        float f => FormatDouble(f),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
