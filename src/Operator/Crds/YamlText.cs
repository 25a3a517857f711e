using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MlOperator.Operator.Crds;

/// <summary>
/// Block-style YAML for a JSON tree, written by hand so the output is byte-for-byte stable (key order as
/// built, one quoting rule) and reviewable in diffs. Strings that could be read as anything but a string are
/// written as JSON strings, which YAML reads as double-quoted scalars.
/// </summary>
internal static partial class YamlText
{
    public static string Write(JsonNode root)
    {
        var sb = new StringBuilder();
        WriteObjectBody((JsonObject)root, 0, sb);
        return sb.ToString();
    }

    private static void WriteObjectBody(JsonObject obj, int indent, StringBuilder sb, bool firstInline = false)
    {
        var first = true;
        foreach (var (key, value) in obj)
        {
            if (!(first && firstInline))
            {
                sb.Append(' ', indent);
            }

            first = false;
            sb.Append(Scalar(key)).Append(':');
            WriteValue(value, indent, sb);
        }
    }

    private static void WriteValue(JsonNode? value, int indent, StringBuilder sb)
    {
        switch (value)
        {
            case JsonObject { Count: 0 }:
                sb.Append(" {}\n");
                break;
            case JsonObject child:
                sb.Append('\n');
                WriteObjectBody(child, indent + 2, sb);
                break;
            case JsonArray { Count: 0 }:
                sb.Append(" []\n");
                break;
            case JsonArray array:
                sb.Append('\n');
                WriteArray(array, indent, sb);
                break;
            default:
                sb.Append(' ').Append(ScalarValue(value)).Append('\n');
                break;
        }
    }

    private static void WriteArray(JsonArray array, int indent, StringBuilder sb)
    {
        foreach (var item in array)
        {
            sb.Append(' ', indent).Append("- ");
            switch (item)
            {
                case JsonObject { Count: > 0 } obj:
                    WriteObjectBody(obj, indent + 2, sb, firstInline: true);
                    break;
                case JsonArray { Count: > 0 }:
                    throw new NotSupportedException("nested arrays are not used in CRDs");
                case JsonObject:
                    sb.Append("{}\n");
                    break;
                case JsonArray:
                    sb.Append("[]\n");
                    break;
                default:
                    sb.Append(ScalarValue(item)).Append('\n');
                    break;
            }
        }
    }

    private static string ScalarValue(JsonNode? node)
    {
        if (node is null)
        {
            return "null";
        }

        return node.GetValueKind() switch
        {
            JsonValueKind.String => Scalar(node.GetValue<string>()),
            JsonValueKind.Number => node.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => "null",
        };
    }

    private static readonly HashSet<string> Ambiguous = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    internal static string Scalar(string text) =>
        PlainSafe().IsMatch(text) && !Ambiguous.Contains(text) && !text.EndsWith(' ')
            ? text
            : JsonValue.Create(text).ToJsonString(RelaxedEscaping);

    private static readonly JsonSerializerOptions RelaxedEscaping = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex("^[A-Za-z_/][A-Za-z0-9 _./()=,;'+-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainSafe();
}
