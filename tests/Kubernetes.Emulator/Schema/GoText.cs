using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>
/// Go formatting that leaks into kube messages: strconv.Quote (%q), %v of float64, encoding/json of
/// decoded values (sorted map keys, HTML-escaped), and field.Error's rendering of a bad value.
/// </summary>
internal static class GoText
{
    /// <summary>strconv.Quote: double quotes, Go escapes for control characters, printable Unicode kept.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (rune.Value < 0x20 || rune.Value == 0x7f)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}");
                    }
                    else if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                    {
                        sb.Append(rune.Value > 0xFFFF
                            ? string.Create(CultureInfo.InvariantCulture, $"\\U{rune.Value:x8}")
                            : string.Create(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}"));
                    }
                    else
                    {
                        sb.Append(rune.ToString());
                    }

                    break;
            }
        }

        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>fmt's %v for a float64: shortest digits, exponent form below 1e-4 or from 1e21 ("1e+21").</summary>
    public static string FormatFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        if (value == 0)
        {
            return "0";
        }

        var abs = Math.Abs(value);
        if (abs < 1e-4 || abs >= 1e21)
        {
            return GoExponent(value);
        }

        return value.ToString("R", CultureInfo.InvariantCulture) switch
        {
            var r when r.Contains('E', StringComparison.Ordinal) => decimal.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d.ToString(CultureInfo.InvariantCulture) : r,
            var r => r,
        };
    }

    /// <summary>encoding/json's float64 form: like %v but exponent form only below 1e-6 or from 1e21.</summary>
    public static string FormatJsonFloat(double value)
    {
        var abs = Math.Abs(value);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            return GoExponent(value);
        }

        var r = value.ToString("R", CultureInfo.InvariantCulture);
        return r.Contains('E', StringComparison.Ordinal) && decimal.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d.ToString(CultureInfo.InvariantCulture)
            : r;
    }

    private static string GoExponent(double value)
    {
        // Shortest round-trip mantissa, then Go's exponent spelling (sign, at least two digits).
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        string mantissa;
        int exponent;
        var e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            mantissa = r[..e];
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        else
        {
            // R gave a plain number: normalise it to d.ddd × 10^exponent.
            var negative = r.StartsWith('-');
            var digits = negative ? r[1..] : r;
            var dot = digits.IndexOf('.', StringComparison.Ordinal);
            var intPart = dot >= 0 ? digits[..dot] : digits;
            var fracPart = dot >= 0 ? digits[(dot + 1)..] : "";
            var all = (intPart + fracPart).TrimStart('0');
            var leadingZeros = (intPart + fracPart).Length - all.Length;
            exponent = intPart.Length - leadingZeros - 1;
            all = all.TrimEnd('0');
            mantissa = (negative ? "-" : "") + all[0] + (all.Length > 1 ? "." + all[1..] : "");
        }

        var sign = exponent < 0 ? "-" : "+";
        var abs = Math.Abs(exponent);
        return string.Create(CultureInfo.InvariantCulture, $"{mantissa}e{sign}{(abs < 10 ? "0" : "")}{abs}");
    }

    /// <summary>encoding/json.Marshal of a decoded JSON value: compact, map keys sorted, &lt;&gt;&amp; escaped.</summary>
    public static string Marshal(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    WriteString(sb, key);
                    sb.Append(':');
                    Write(sb, value);
                }

                sb.Append('}');
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Write(sb, array[i]);
                }

                sb.Append(']');
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        WriteString(sb, value.GetValue<string>());
                        break;
                    case JsonValueKind.Number:
                        if (JsonNodes.TryGetInt64(value, out var l))
                        {
                            sb.Append(l.ToString(CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            JsonNodes.TryGetDouble(value, out var d);
                            sb.Append(FormatJsonFloat(d));
                        }

                        break;
                    case JsonValueKind.True:
                        sb.Append("true");
                        break;
                    case JsonValueKind.False:
                        sb.Append("false");
                        break;
                    default:
                        sb.Append("null");
                        break;
                }

                break;
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<': sb.Append("\\u003c"); break;
                case '>': sb.Append("\\u003e"); break;
                case '&': sb.Append("\\u0026"); break;
                case '\u2028': sb.Append("\\u2028"); break;
                case '\u2029': sb.Append("\\u2029"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>
    /// How field.Error.ErrorBody renders a bad value: null as "null", strings quoted, int64/float64/bool
    /// with %v, anything else as JSON.
    /// </summary>
    public static string RenderValue(JsonNode? node) => JsonNodes.TypeName(node) switch
    {
        JsonNodes.Null => "\"null\"",
        JsonNodes.String => Quote(node!.GetValue<string>()),
        JsonNodes.Integer => JsonNodes.TryGetInt64(node, out var l) ? l.ToString(CultureInfo.InvariantCulture) : "0",
        JsonNodes.Number => JsonNodes.TryGetDouble(node, out var d) ? FormatFloat(d) : "0",
        JsonNodes.Boolean => JsonNodes.TryGetBoolean(node, out var b) && b ? "true" : "false",
        _ => Marshal(node),
    };
}
