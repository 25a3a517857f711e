using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>
/// Tensor <c>data</c> as JSON, flat or nested in row-major order. Every element is range-checked against its
/// datatype, so a value that would silently wrap or overflow is a 400, not a wrong answer. JSON has no NaN or
/// infinity, so floating-point tensors use the strings "NaN", "Infinity" and "-Infinity" for them both ways.
/// </summary>
public static class JsonTensorCodec
{
    public static Tensor Read(JsonElement data, string name, TensorElementType type, long[] shape, long maxElements) =>
        Read(JsonMarshal.GetRawUtf8Value(data), name, type, shape, maxElements);

    /// <param name="data">The raw JSON of the <c>data</c> value.</param>
    public static Tensor Read(ReadOnlySpan<byte> data, string name, TensorElementType type, long[] shape, long maxElements)
    {
        var expected = CheckedCount(name, shape, maxElements);
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 64 });
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw InferenceException.BadRequest($"input '{name}': 'data' must be an array, got {KindOf(reader.TokenType)}");
        }

        return type == TensorElementType.String
            ? ReadStrings(data, name, shape, expected, maxElements)
            : ReadNumbers(ref reader, name, type, shape, expected, maxElements);
    }

    /// <summary>The element count of <paramref name="shape"/>, refused (413) above <paramref name="maxElements"/>.</summary>
    internal static long CheckedCount(string name, long[] shape, long maxElements)
    {
        var expected = Tensor.ElementCountOf(shape);
        if (expected > maxElements)
        {
            throw new InferenceException(InferenceError.TooLarge,
                $"input '{name}' has {expected} elements, more than the limit of {maxElements} per tensor");
        }

        return expected;
    }

    /// <summary>
    /// One forward pass of a <see cref="Utf8JsonReader"/> over the array the reader stands on (its
    /// <see cref="JsonTokenType.StartArray"/>), parsing each leaf straight into the tensor's buffer (floats as floats,
    /// no double or JsonElement in between); nesting is flattened row-major. On success the reader stands on the
    /// array's <see cref="JsonTokenType.EndArray"/>, so a caller reading the whole request can go on from there.
    /// </summary>
    internal static Tensor ReadNumbers(ref Utf8JsonReader reader, string name, TensorElementType type, long[] shape, long expected, long maxElements)
    {
        var depth = reader.CurrentDepth;
        var buffer = GC.AllocateUninitializedArray<byte>(checked((int)(expected * Tensor.ElementSize(type))));
        var stopAt = maxElements == long.MaxValue ? long.MaxValue : maxElements + 1;
        long count = 0;
        while (reader.Read())
        {
            var token = reader.TokenType;
            if (token == JsonTokenType.StartArray)
            {
                continue;
            }

            if (token == JsonTokenType.EndArray)
            {
                if (reader.CurrentDepth == depth)
                {
                    break;
                }

                continue;
            }

            if (count < expected)
            {
                WriteElement(ref reader, type, buffer, (int)count, name);
            }
            else if (token is JsonTokenType.StartObject)
            {
                reader.Skip();
            }

            if (++count >= stopAt)
            {
                break;
            }
        }

        if (count != expected)
        {
            throw InferenceException.BadRequest(
                $"input '{name}' has {(count > maxElements ? $"more than {maxElements}" : count)} elements but shape {ShapeText(shape)} needs {expected}");
        }

        return Tensor.FromBytes(type, shape, buffer);
    }

    private static Tensor ReadStrings(ReadOnlySpan<byte> json, string name, long[] shape, long expected, long maxElements)
    {
        var stopAt = maxElements == long.MaxValue ? long.MaxValue : maxElements + 1;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        reader.Read();
        var start = reader; // on the StartArray: the second pass starts here
        long count = 0;
        while (count < stopAt && NextLeaf(ref reader))
        {
            count++;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                reader.Skip();
            }
        }

        if (count != expected)
        {
            throw InferenceException.BadRequest(
                $"input '{name}' has {(count > maxElements ? $"more than {maxElements}" : count)} elements but shape {ShapeText(shape)} needs {expected}");
        }

        reader = start;
        var strings = new byte[count][];
        for (var k = 0; k < strings.Length && NextLeaf(ref reader); k++)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                var from = (int)reader.TokenStartIndex;
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    reader.Skip();
                }

                throw InferenceException.BadRequest($"input '{name}' (BYTES) element {k} is not a string: {Shorten(Encoding.UTF8.GetString(json[from..(int)reader.BytesConsumed]))}");
            }

            var bytes = Encoding.UTF8.GetBytes(reader.GetString()!);
            if (bytes.AsSpan().Contains((byte)0))
            {
                throw InferenceException.BadRequest($"input '{name}' (BYTES) element {k} contains a NUL character, which ONNX Runtime strings cannot hold");
            }

            strings[k] = bytes;
        }

        return Tensor.FromStrings(shape, strings);
    }

    /// <summary>Moves to the next leaf (anything but an array) of the array a reader over it alone reads; false after its end.</summary>
    private static bool NextLeaf(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    continue;
                case JsonTokenType.EndArray:
                    if (reader.CurrentDepth == 0)
                    {
                        return false;
                    }

                    continue;
                default:
                    // An object is one (bad) leaf: left on its StartObject for the caller to report or skip.
                    return true;
            }
        }

        return false;
    }

    private static void WriteElement(ref Utf8JsonReader leaf, TensorElementType type, byte[] buffer, int i, string name)
    {
        var span = buffer.AsSpan();
        switch (type)
        {
            case TensorElementType.Float:
                float f;
                if (leaf.TokenType == JsonTokenType.Number)
                {
                    if (!FastFloatParser.TryParseSingle(leaf.ValueSpan, out f) && (!leaf.TryGetSingle(out f) || float.IsInfinity(f)))
                    {
                        throw OutOfRange(ref leaf, name, i, "FP32");
                    }
                }
                else
                {
                    f = (float)NonFinite(ref leaf, name, i, "FP32");
                }

                MemoryMarshal.Write(span[(i * 4)..], in f);
                break;
            case TensorElementType.Double:
                double d;
                if (leaf.TokenType == JsonTokenType.Number)
                {
                    if (!FastFloatParser.TryParseDouble(leaf.ValueSpan, out d) && (!leaf.TryGetDouble(out d) || double.IsInfinity(d)))
                    {
                        throw OutOfRange(ref leaf, name, i, "FP64");
                    }
                }
                else
                {
                    d = NonFinite(ref leaf, name, i, "FP64");
                }

                MemoryMarshal.Write(span[(i * 8)..], in d);
                break;
            case TensorElementType.Float16:
                Half h;
                if (leaf.TokenType == JsonTokenType.Number)
                {
                    if (!leaf.TryGetDouble(out var wide) || Half.IsInfinity(h = (Half)wide))
                    {
                        throw OutOfRange(ref leaf, name, i, "FP16");
                    }
                }
                else
                {
                    h = (Half)NonFinite(ref leaf, name, i, "FP16");
                }

                MemoryMarshal.Write(span[(i * 2)..], in h);
                break;
            case TensorElementType.BFloat16:
                float wideBf;
                if (leaf.TokenType == JsonTokenType.Number)
                {
                    if (!leaf.TryGetDouble(out var parsed) || float.IsInfinity(wideBf = (float)parsed) || BFloat16Bits.IsInfinity(BFloat16Bits.From(wideBf)))
                    {
                        throw OutOfRange(ref leaf, name, i, "BF16");
                    }
                }
                else
                {
                    wideBf = (float)NonFinite(ref leaf, name, i, "BF16");
                }

                var bf = BFloat16Bits.From(wideBf);
                MemoryMarshal.Write(span[(i * 2)..], in bf);
                break;
            case TensorElementType.Bool:
                buffer[i] = leaf.TokenType switch
                {
                    JsonTokenType.True => 1,
                    JsonTokenType.False => 0,
                    _ => throw InferenceException.BadRequest($"input '{name}' (BOOL) element {i} is not true or false: {Raw(ref leaf)}"),
                };
                break;
            case TensorElementType.UInt64:
                if (leaf.TokenType != JsonTokenType.Number || !leaf.TryGetUInt64(out var u64))
                {
                    throw NotAnInteger(ref leaf, name, i, "UINT64");
                }

                MemoryMarshal.Write(span[(i * 8)..], in u64);
                break;
            default:
                WriteInteger(ref leaf, type, span, i, name);
                break;
        }
    }

    private static void WriteInteger(ref Utf8JsonReader leaf, TensorElementType type, Span<byte> span, int i, string name)
    {
        if (leaf.TokenType != JsonTokenType.Number || !leaf.TryGetInt64(out var v))
        {
            throw NotAnInteger(ref leaf, name, i, DataTypeNames.Name(type));
        }

        var (min, max) = type switch
        {
            TensorElementType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
            TensorElementType.Int16 => (short.MinValue, short.MaxValue),
            TensorElementType.Int32 => (int.MinValue, int.MaxValue),
            TensorElementType.Int64 => (long.MinValue, long.MaxValue),
            TensorElementType.UInt8 => (0L, byte.MaxValue),
            TensorElementType.UInt16 => (0L, ushort.MaxValue),
            TensorElementType.UInt32 => (0L, uint.MaxValue),
            _ => throw new NotSupportedException(type.ToString()),
        };
        if (v < min || v > max)
        {
            throw NotAnInteger(ref leaf, name, i, DataTypeNames.Name(type));
        }

        switch (type)
        {
            case TensorElementType.Int8: span[i] = (byte)(sbyte)v; break;
            case TensorElementType.UInt8: span[i] = (byte)v; break;
            case TensorElementType.Int16: MemoryMarshal.Write(span[(i * 2)..], (short)v); break;
            case TensorElementType.UInt16: MemoryMarshal.Write(span[(i * 2)..], (ushort)v); break;
            case TensorElementType.Int32: MemoryMarshal.Write(span[(i * 4)..], (int)v); break;
            case TensorElementType.UInt32: MemoryMarshal.Write(span[(i * 4)..], (uint)v); break;
            default: MemoryMarshal.Write(span[(i * 8)..], v); break;
        }
    }

    private static InferenceException NotAnInteger(ref Utf8JsonReader leaf, string name, int i, string datatype) =>
        InferenceException.BadRequest($"input '{name}' ({datatype}) element {i} is not an integer in range: {Raw(ref leaf)}");

    private static InferenceException OutOfRange(ref Utf8JsonReader leaf, string name, int i, string datatype) =>
        InferenceException.BadRequest($"input '{name}' ({datatype}) element {i} is out of range: {Raw(ref leaf)}");

    /// <summary>The strings "NaN", "Infinity" and "-Infinity" (JSON has no literals for them); anything else is a 400.</summary>
    private static double NonFinite(ref Utf8JsonReader leaf, string name, int i, string datatype)
    {
        if (leaf.TokenType == JsonTokenType.String)
        {
            if (leaf.ValueTextEquals("NaN"u8))
            {
                return double.NaN;
            }

            if (leaf.ValueTextEquals("Infinity"u8))
            {
                return double.PositiveInfinity;
            }

            if (leaf.ValueTextEquals("-Infinity"u8))
            {
                return double.NegativeInfinity;
            }
        }

        throw InferenceException.BadRequest($"input '{name}' ({datatype}) element {i} is not a number: {Raw(ref leaf)}");
    }

    /// <summary>Writes a tensor's elements as a flat JSON array.</summary>
    public static void WriteData(Utf8JsonWriter writer, Tensor tensor)
    {
        writer.WriteStartArray();
        switch (tensor.ElementType)
        {
            case TensorElementType.Float: foreach (var v in tensor.Span<float>()) WriteFloating(writer, v, float.IsFinite(v)); break;
            case TensorElementType.Double: foreach (var v in tensor.Span<double>()) WriteFloating(writer, v, double.IsFinite(v)); break;
            case TensorElementType.Float16: foreach (var v in tensor.Span<Half>()) WriteFloating(writer, (float)v, Half.IsFinite(v)); break;
            case TensorElementType.BFloat16:
                foreach (var v in tensor.Span<ushort>())
                {
                    var f = BFloat16Bits.ToSingle(v);
                    WriteFloating(writer, f, float.IsFinite(f));
                }

                break;
            case TensorElementType.Int8: foreach (var v in tensor.Span<sbyte>()) writer.WriteNumberValue(v); break;
            case TensorElementType.Int16: foreach (var v in tensor.Span<short>()) writer.WriteNumberValue(v); break;
            case TensorElementType.Int32: foreach (var v in tensor.Span<int>()) writer.WriteNumberValue(v); break;
            case TensorElementType.Int64: foreach (var v in tensor.Span<long>()) writer.WriteNumberValue(v); break;
            case TensorElementType.UInt8: foreach (var v in tensor.Span<byte>()) writer.WriteNumberValue(v); break;
            case TensorElementType.UInt16: foreach (var v in tensor.Span<ushort>()) writer.WriteNumberValue(v); break;
            case TensorElementType.UInt32: foreach (var v in tensor.Span<uint>()) writer.WriteNumberValue(v); break;
            case TensorElementType.UInt64: foreach (var v in tensor.Span<ulong>()) writer.WriteNumberValue(v); break;
            case TensorElementType.Bool: foreach (var v in tensor.Bytes) writer.WriteBooleanValue(v != 0); break;
            case TensorElementType.String: foreach (var s in tensor.Strings!) writer.WriteStringValue(Encoding.UTF8.GetString(s)); break;
            default: throw new NotSupportedException(tensor.ElementType.ToString());
        }

        writer.WriteEndArray();
    }

    private static void WriteFloating(Utf8JsonWriter writer, double value, bool finite)
    {
        if (finite)
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void WriteFloating(Utf8JsonWriter writer, float value, bool finite)
    {
        if (finite)
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(float.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    public static string ShapeText(IReadOnlyList<long> shape) => "[" + string.Join(",", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>A JSON value's kind as <see cref="JsonValueKind"/> names it, lower case ("object", "array", "number" …).</summary>
    internal static string KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => "undefined",
    };

    private static string Raw(ref Utf8JsonReader leaf)
    {
        var raw = leaf.TokenType switch
        {
            JsonTokenType.StartObject => "{…}",
            JsonTokenType.String => "\"" + leaf.GetString() + "\"",
            _ => Encoding.UTF8.GetString(leaf.ValueSpan),
        };
        return raw.Length > 40 ? raw[..40] + "…" : raw;
    }

    private static string Shorten(string raw) => raw.Length > 40 ? raw[..40] + "…" : raw;
}
