using System.Globalization;
using System.Text;

namespace MlOperator.Kubernetes.Emulator.Protobuf;

/// <summary>Go's time.Duration text ("1h2m3.5s", "500ms", "0s"), the JSON form of metav1.Duration.</summary>
internal static class GoDuration
{
    public static string Format(long nanos)
    {
        if (nanos == 0) return "0s";
        var negative = nanos < 0;
        var u = negative ? (ulong)(-(nanos + 1)) + 1 : (ulong)nanos;
        var sb = new StringBuilder();
        if (u < 1_000_000_000UL)
        {
            var (unit, scale) = u < 1_000UL ? ("ns", 1UL) : u < 1_000_000UL ? ("µs", 1_000UL) : ("ms", 1_000_000UL);
            sb.Append(Fraction(u, scale)).Append(unit);
        }
        else
        {
            var hours = u / 3_600_000_000_000UL;
            var rest = u % 3_600_000_000_000UL;
            var minutes = rest / 60_000_000_000UL;
            var seconds = rest % 60_000_000_000UL;
            if (hours > 0) sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
            if (hours > 0 || minutes > 0) sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
            sb.Append(Fraction(seconds, 1_000_000_000UL)).Append('s');
        }
        return (negative ? "-" : "") + sb;
    }

    private static string Fraction(ulong value, ulong scale)
    {
        var whole = (value / scale).ToString(CultureInfo.InvariantCulture);
        var frac = value % scale;
        if (frac == 0) return whole;
        var digits = frac.ToString(CultureInfo.InvariantCulture).PadLeft(scale.ToString(CultureInfo.InvariantCulture).Length - 1, '0').TrimEnd('0');
        return whole + "." + digits;
    }

    /// <summary>Parses Go duration text; unparseable text is 0 (the encoder's input is a stored, validated object).</summary>
    public static long Parse(string text)
    {
        var i = 0;
        var negative = text.StartsWith('-');
        if (negative || text.StartsWith('+')) i++;
        decimal total = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (!decimal.TryParse(text[start..i], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return 0;
            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.') i++;
            decimal scale = text[unitStart..i] switch
            {
                "ns" => 1m, "us" or "µs" => 1_000m, "ms" => 1_000_000m, "s" => 1_000_000_000m, "m" => 60_000_000_000m, "h" => 3_600_000_000_000m,
                _ => 0m,
            };
            if (scale == 0) return 0;
            total += number * scale;
        }
        return (long)(negative ? -total : total);
    }
}
