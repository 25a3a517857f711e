using System.Globalization;

namespace MlOperator.Operator.Kube.Models;

/// <summary>
/// resource.Quantity arithmetic on exact decimals: "500m" = 0.5, "1Gi" = 1073741824, "1e3" = 1000.
/// Enough for summing requests and comparing them with quotas; not a general canonicaliser.
/// </summary>
public static class Quantity
{
    /// <summary>The CRD pattern for quantities (same as kubebuilder's).</summary>
    public const string Pattern = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

    private static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
        ("n", 0.000000001m), ("u", 0.000001m), ("m", 0.001m), ("k", 1e3m), ("M", 1e6m), ("G", 1e9m),
        ("T", 1e12m), ("P", 1e15m), ("E", 1e18m),
    ];

    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text) || !System.Text.RegularExpressions.Regex.IsMatch(text, Pattern))
        {
            return false;
        }

        try
        {
            foreach (var (suffix, factor) in Suffixes)
            {
                if (text.EndsWith(suffix, StringComparison.Ordinal))
                {
                    value = decimal.Parse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture) * factor;
                    return true;
                }
            }

            value = decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    public static decimal Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"\"{text}\" is not a quantity");

    /// <summary>Short, exact text: "2", "1500m", "4Gi", "512Mi", "1.5" never loses precision.</summary>
    public static string Format(decimal value)
    {
        if (value == decimal.Truncate(value))
        {
            foreach (var (suffix, factor) in Suffixes.Where(s => s.Suffix.EndsWith('i')).Reverse())
            {
                if (value != 0 && Math.Abs(value) >= factor && value % factor == 0)
                {
                    return (value / factor).ToString("0", CultureInfo.InvariantCulture) + suffix;
                }
            }

            return value.ToString("0", CultureInfo.InvariantCulture);
        }

        var milli = value * 1000;
        return milli == decimal.Truncate(milli)
            ? milli.ToString("0", CultureInfo.InvariantCulture) + "m"
            : value.ToString(CultureInfo.InvariantCulture);
    }
}
