using System.Globalization;
using System.Text.RegularExpressions;

namespace MlOperator.Kubernetes.Emulator.Api;

/// <summary>Parses and formats resource quantities so the quota controller can sum pod requests.</summary>
internal static partial class QuantityMath
{
    [GeneratedRegex(@"^([+-]?[0-9]*\.?[0-9]+|[+-]?[0-9]+\.)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$")]
    private static partial Regex Pattern();

    private static readonly Dictionary<string, decimal> Suffixes = new()
    {
        ["n"] = 0.000000001m, ["u"] = 0.000001m, ["m"] = 0.001m, [""] = 1m, ["k"] = 1e3m, ["M"] = 1e6m, ["G"] = 1e9m, ["T"] = 1e12m, ["P"] = 1e15m, ["E"] = 1e18m,
        ["Ki"] = 1024m, ["Mi"] = 1024m * 1024, ["Gi"] = 1024m * 1024 * 1024, ["Ti"] = 1024m * 1024 * 1024 * 1024, ["Pi"] = 1024m * 1024 * 1024 * 1024 * 1024,
        ["Ei"] = 1024m * 1024 * 1024 * 1024 * 1024 * 1024,
    };

    public static bool TryParse(string text, out decimal value, out bool binary)
    {
        value = 0;
        binary = false;
        var m = Pattern().Match(text.Trim());
        if (!m.Success) return false;
        if (!decimal.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return false;
        var suffix = m.Groups[2].Value;
        if (suffix.Length > 1 && suffix[0] is 'e' or 'E')
        {
            if (!int.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exp) || Math.Abs(exp) > 27) return false;
            value = number * (decimal)Math.Pow(10, exp);
            return true;
        }
        binary = suffix.EndsWith('i');
        try { value = number * Suffixes[suffix]; } catch (OverflowException) { return false; }
        return true;
    }

    /// <summary>Canonical text like kube's: binary suffixes when the input was binary and the value divides, else decimal SI.</summary>
    public static string Format(decimal value, bool binary)
    {
        if (value == 0) return "0";
        if (binary && value == decimal.Truncate(value) && value >= 1024)
        {
            string[] bin = ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"];
            foreach (var s in bin)
                if (value % Suffixes[s] == 0) return (value / Suffixes[s]).ToString(CultureInfo.InvariantCulture) + s;
        }
        if (binary && value == decimal.Truncate(value)) return value.ToString(CultureInfo.InvariantCulture);
        string[] dec = ["E", "P", "T", "G", "M", "k", "", "m", "u", "n"];
        foreach (var s in dec)
        {
            var scaled = value / Suffixes[s];
            if (scaled == decimal.Truncate(scaled)) return decimal.Truncate(scaled).ToString(CultureInfo.InvariantCulture) + s;
        }
        // Finer than nano: round up like kube does.
        return decimal.Ceiling(value / Suffixes["n"]).ToString(CultureInfo.InvariantCulture) + "n";
    }

    public static bool TryCanonicalize(string text, out string canonical)
    {
        canonical = text;
        if (!TryParse(text, out var v, out var binary)) return false;
        canonical = Format(v, binary);
        return true;
    }
}
