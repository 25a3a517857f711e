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

    /// <summary>fmt's %v for a float64 (%g, shortest digits): exponent form below 1e-4 or from 1e6 ("1e+06").</summary>
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

        var (negative, digits, exponent) = Decompose(value);
        return exponent < -4 || exponent >= 6 ? Exponential(negative, digits, exponent) : Plain(negative, digits, exponent);
    }

    /// <summary>encoding/json's float64: plain digits unless below 1e-6 or from 1e21, then "1e-7", "1e+21".</summary>
    public static string FormatJsonFloat(double value)
    {
        if (value == 0 || double.IsNaN(value) || double.IsInfinity(value))
        {
            return "0";
        }

        var (negative, digits, exponent) = Decompose(value);
        var abs = Math.Abs(value);
        if (abs < 1e-6 || abs >= 1e21)
        {
            var text = Exponential(negative, digits, exponent);
            // encoding/json trims the exponent's leading zero for negative exponents: e-07 becomes e-7.
            return text.Contains("e-0", StringComparison.Ordinal) ? text.Replace("e-0", "e-", StringComparison.Ordinal) : text;
        }

        return Plain(negative, digits, exponent);
    }

    /// <summary>Shortest round-trip digits of |value| (no leading or trailing zeros) and the power of ten of the first one.</summary>
    private static (bool Negative, string Digits, int Exponent) Decompose(double value)
    {
        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var shift = 0;
        var e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            shift = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        var dot = r.IndexOf('.', StringComparison.Ordinal);
        var whole = dot >= 0 ? r[..dot] : r;
        var all = whole + (dot >= 0 ? r[(dot + 1)..] : "");
        var significant = all.TrimStart('0');
        var leadingZeros = all.Length - significant.Length;
        return (value < 0, significant.TrimEnd('0'), whole.Length - leadingZeros - 1 + shift);
    }

    private static string Exponential(bool negative, string digits, int exponent)
    {
        var mantissa = digits.Length > 1 ? $"{digits[0]}.{digits[1..]}" : digits;
        var abs = Math.Abs(exponent);
        return string.Create(CultureInfo.InvariantCulture, $"{(negative ? "-" : "")}{mantissa}e{(exponent < 0 ? "-" : "+")}{(abs < 10 ? "0" : "")}{abs}");
    }

    private static string Plain(bool negative, string digits, int exponent)
    {
        string text;
        if (exponent < 0)
        {
            text = "0." + new string('0', -exponent - 1) + digits;
        }
        else if (digits.Length <= exponent + 1)
        {
            text = digits + new string('0', exponent + 1 - digits.Length);
        }
        else
        {
            text = digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
        }

        return negative ? "-" + text : text;
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
                        WriteString(sb, JsonNodes.StringOf(value));
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
    /// How field.Error.ErrorBody renders a bad value in kube 1.33: null as "null", strings quoted, int64,
    /// float64 and bool with %v, maps and lists with Go's %#v (JSON rendering only arrived in 1.34).
    /// </summary>
    public static string RenderValue(JsonNode? node) => JsonNodes.TypeName(node) switch
    {
        JsonNodes.Null => "\"null\"",
        JsonNodes.Object or JsonNodes.Array => GoSyntax(node),
        _ => Scalar(node),
    };

    /// <summary>Go's %#v of a decoded JSON value: map[string]interface {}{"a":1, "b":"x"}, []interface {}{1, "a"}.</summary>
    public static string GoSyntax(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var entries = obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{Quote(p.Key)}:{GoSyntax(p.Value)}");
                return "map[string]interface {}{" + string.Join(", ", entries) + "}";
            case JsonArray array:
                return "[]interface {}{" + string.Join(", ", array.Select(GoSyntax)) + "}";
            default:
                return JsonNodes.IsNull(node) ? "interface {}(nil)" : Scalar(node);
        }
    }

    private static string Scalar(JsonNode? node) => JsonNodes.TypeName(node) switch
    {
        JsonNodes.String => Quote(JsonNodes.StringOf((JsonValue)node!)),
        JsonNodes.Integer => JsonNodes.TryGetInt64(node, out var l) ? l.ToString(CultureInfo.InvariantCulture) : "0",
        JsonNodes.Number => JsonNodes.TryGetDouble(node, out var d) ? FormatFloat(d) : "0",
        JsonNodes.Boolean => JsonNodes.TryGetBoolean(node, out var b) && b ? "true" : "false",
        _ => "\"null\"",
    };
}
