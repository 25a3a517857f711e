using System.Globalization;
using System.Text;

namespace MlOperator.Metrics;

/// <summary>Name sanitising, HELP escaping and tag-value text, as the Prometheus text format 0.0.4 needs them.</summary>
internal static class PrometheusNames
{
    /// <summary>prometheus-net accepts [a-zA-Z_][a-zA-Z0-9_]*; OpenTelemetry-style dots and dashes become underscores.</summary>
    public static string Metric(string name) => Sanitize(name);

    /// <summary>As <see cref="Metric"/>; a leading "__" (reserved by Prometheus) shrinks to one underscore.</summary>
    public static string Label(string name)
    {
        var sanitized = Sanitize(name);
        while (sanitized.StartsWith("__", StringComparison.Ordinal))
        {
            sanitized = sanitized[1..];
        }

        return sanitized;
    }

    private static string Sanitize(string name)
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
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return builder.ToString();
    }

    /// <summary>prometheus-net writes HELP as given, so a backslash or newline in a description is escaped here.</summary>
    public static string Help(string? description)
    {
        if (string.IsNullOrEmpty(description) || description.AsSpan().IndexOfAny('\\', '\n') < 0)
        {
            return description ?? "";
        }

        return description.Replace("\\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);
    }

    /// <summary>Tag values are objects; labels need invariant text (lower-case booleans, as Prometheus users expect).</summary>
    public static string TagValue(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d => Number(d),
        float f => Number(f),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };
}
