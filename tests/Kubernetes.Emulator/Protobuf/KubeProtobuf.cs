using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using MlOperator.Kubernetes.Emulator.Store;

namespace MlOperator.Kubernetes.Emulator.Protobuf;

/// <summary>
/// kube's protobuf wire form (apimachinery runtime/serializer/protobuf): the 4-byte magic <c>k8s\0</c>, then a
/// runtime.Unknown {typeMeta{apiVersion, kind}, raw, contentEncoding, contentType} whose raw bytes are the object's
/// message. Decodes into the JSON object the Go types would marshal (omitempty zero values dropped, inline structs
/// flattened) and encodes a stored JSON object back.
/// </summary>
internal static class KubeProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";
    private static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];
    private const int MaxDepth = 100;

    /// <summary>The envelope's apiVersion and kind (null when the body has no readable envelope).</summary>
    public static (string ApiVersion, string Kind, byte[] Raw) ReadEnvelope(byte[] body)
    {
        if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new ProtobufDecodeException("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
        string apiVersion = "", kind = "";
        byte[] raw = [];
        Guard(() =>
        {
            var input = new CodedInputStream(body, Magic.Length, body.Length - Magic.Length);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1:
                        Expect(tag, WireFormat.WireType.LengthDelimited, "TypeMeta");
                        var meta = new CodedInputStream(input.ReadBytes().ToByteArray());
                        uint t;
                        while ((t = meta.ReadTag()) != 0)
                        {
                            switch (WireFormat.GetTagFieldNumber(t))
                            {
                                case 1: Expect(t, WireFormat.WireType.LengthDelimited, "APIVersion"); apiVersion = meta.ReadString(); break;
                                case 2: Expect(t, WireFormat.WireType.LengthDelimited, "Kind"); kind = meta.ReadString(); break;
                                default: meta.SkipLastField(); break;
                            }
                        }
                        break;
                    case 2:
                        Expect(tag, WireFormat.WireType.LengthDelimited, "Raw");
                        raw = input.ReadBytes().ToByteArray();
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }
            return 0;
        });
        return (apiVersion, kind, raw);
    }

    /// <summary>Decodes the object bytes of a root message (see <see cref="ProtoSchema.RootMessage"/>).</summary>
    public static JsonObject DecodeObject(byte[] raw, string message, string apiVersion, string kind)
    {
        var obj = Guard(() => DecodeMessage(raw, message, 0));
        var result = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var (k, v) in obj.ToList())
        {
            obj.Remove(k);
            result[k] = v;
        }
        return result;
    }

    private static T Guard<T>(Func<T> decode)
    {
        try { return decode(); }
        catch (InvalidProtocolBufferException e) { throw new ProtobufDecodeException("proto: " + e.Message); }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or System.Text.Json.JsonException or DecoderFallbackException)
        {
            throw new ProtobufDecodeException("proto: " + e.Message);
        }
    }

    private static void Expect(uint tag, WireFormat.WireType expected, string field)
    {
        var actual = WireFormat.GetTagWireType(tag);
        if (actual != expected) throw new ProtobufDecodeException($"proto: wrong wireType = {(int)actual} for field {field}");
    }

    private static JsonObject DecodeMessage(byte[] data, string message, int depth)
    {
        if (depth > MaxDepth) throw new ProtobufDecodeException("proto: exceeded maximum nesting depth");
        var fields = ProtoSchema.Messages[message];
        var result = new JsonObject();
        var input = new CodedInputStream(data);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (!fields.TryGetValue(WireFormat.GetTagFieldNumber(tag), out var field))
            {
                input.SkipLastField();
                continue;
            }
            var wire = WireFormat.GetTagWireType(tag);
            if (field.MapKey is not null)
            {
                Expect(tag, WireFormat.WireType.LengthDelimited, field.Name);
                var (key, value) = MapEntry(input.ReadBytes().ToByteArray(), field, depth + 1);
                var map = result[field.Name] as JsonObject ?? new JsonObject();
                map[key] = value;
                result[field.Name] = map;
                continue;
            }
            if (field.Repeated && wire == WireFormat.WireType.LengthDelimited && IsPackable(field.Type))
            {
                var packed = new CodedInputStream(input.ReadBytes().ToByteArray());
                var list = result[field.Name] as JsonArray ?? [];
                while (!packed.IsAtEnd) list.Add(ReadScalar(packed, field.Type));
                result[field.Name] = list;
                continue;
            }
            Expect(tag, WireTypeOf(field.Type), field.Name);
            var node = ReadValue(input, field.Type, depth + 1);
            if (field.Repeated)
            {
                var list = result[field.Name] as JsonArray ?? [];
                list.Add(node);
                result[field.Name] = list;
            }
            else if (field.Inline && node is JsonObject inline)
            {
                foreach (var (k, v) in inline.ToList())
                {
                    inline.Remove(k);
                    result[k] = v;
                }
            }
            else if (node is null || (!field.KeepZero && IsZero(node, field.Type))) result.Remove(field.Name);
            else result[field.Name] = node;
        }
        return result;
    }

    private static (string Key, JsonNode? Value) MapEntry(byte[] data, ProtoSchema.Field field, int depth)
    {
        if (depth > MaxDepth) throw new ProtobufDecodeException("proto: exceeded maximum nesting depth");
        var input = new CodedInputStream(data);
        JsonNode? key = null, value = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: Expect(tag, WireTypeOf(field.MapKey!), field.Name); key = ReadValue(input, field.MapKey!, depth + 1); break;
                case 2: Expect(tag, WireTypeOf(field.MapValue!), field.Name); value = ReadValue(input, field.MapValue!, depth + 1); break;
                default: input.SkipLastField(); break;
            }
        }
        value ??= field.MapValue switch
        {
            "s" or "y" or "res.Quantity" => field.MapValue == "res.Quantity" ? "0" : "",
            "b" => false,
            "i32" or "i64" or "d" or "f" => 0,
            _ => ReadValueFrom([], field.MapValue!, depth + 1),
        };
        return (key?.ToString() ?? "", value);
    }

    private static bool IsPackable(string type) => type is "i32" or "i64" or "b" or "d" or "f";

    private static WireFormat.WireType WireTypeOf(string type) => type switch
    {
        "i32" or "i64" or "b" => WireFormat.WireType.Varint,
        "d" => WireFormat.WireType.Fixed64,
        "f" => WireFormat.WireType.Fixed32,
        _ => WireFormat.WireType.LengthDelimited,
    };

    private static JsonNode ReadScalar(CodedInputStream input, string type) => type switch
    {
        "i32" => input.ReadInt32(),
        "i64" => input.ReadInt64(),
        "b" => input.ReadBool(),
        "d" => JsonValue.Create(Finite(input.ReadDouble())),
        "f" => JsonValue.Create(Finite(input.ReadFloat())),
        _ => throw new ProtobufDecodeException($"proto: {type} is not a scalar"),
    };

    private static double Finite(double d) => double.IsFinite(d) ? d : throw new ProtobufDecodeException("proto: non-finite number");

    private static JsonNode? ReadValue(CodedInputStream input, string type, int depth) => type switch
    {
        "s" => input.ReadString(),
        "y" => Convert.ToBase64String(input.ReadBytes().Span),
        "i32" or "i64" or "b" or "d" or "f" => ReadScalar(input, type),
        _ => ReadValueFrom(input.ReadBytes().ToByteArray(), type, depth),
    };

    /// <summary>A message value; the leaf messages have their own JSON forms.</summary>
    private static JsonNode? ReadValueFrom(byte[] data, string type, int depth)
    {
        switch (type)
        {
            case "meta.Time" or "meta.MicroTime":
            {
                long seconds = 0;
                int nanos = 0;
                Fields(data, (n, input) => { if (n == 1) seconds = input.ReadInt64(); else if (n == 2) nanos = input.ReadInt32(); else input.SkipLastField(); });
                if (seconds == 0 && nanos == 0) return null;
                if (seconds is < -62135596800 or > 253402300799) throw new ProtobufDecodeException("proto: timestamp out of range");
                var t = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanos / 100);
                return type == "meta.Time" ? Json.Rfc3339(t) : Json.MicroTime(t);
            }
            case "meta.Duration":
            {
                long nanos = 0;
                Fields(data, (n, input) => { if (n == 1) nanos = input.ReadInt64(); else input.SkipLastField(); });
                return GoDuration.Format(nanos);
            }
            case "res.Quantity":
            {
                var text = "";
                Fields(data, (n, input) => { if (n == 1) text = input.ReadString(); else input.SkipLastField(); });
                return Schema.Quantity.TryCanonicalize(text, out var canonical) ? canonical : text;
            }
            case "intstr.IntOrString":
            {
                long kind = 0;
                int intVal = 0;
                var strVal = "";
                Fields(data, (n, input) =>
                {
                    switch (n)
                    {
                        case 1: kind = input.ReadInt64(); break;
                        case 2: intVal = input.ReadInt32(); break;
                        case 3: strVal = input.ReadString(); break;
                        default: input.SkipLastField(); break;
                    }
                });
                return kind == 1 ? strVal : intVal;
            }
            case "rt.RawExtension" or "meta.FieldsV1":
            {
                byte[] raw = [];
                Fields(data, (n, input) => { if (n == 1) raw = input.ReadBytes().ToByteArray(); else input.SkipLastField(); });
                return raw.Length == 0 ? null : JsonNode.Parse(raw);
            }
            default:
                if (!ProtoSchema.Messages.ContainsKey(type)) throw new ProtobufDecodeException($"proto: no table for {type}");
                return DecodeMessage(data, type, depth);
        }
    }

    private static void Fields(byte[] data, Action<int, CodedInputStream> read)
    {
        var input = new CodedInputStream(data);
        uint tag;
        while ((tag = input.ReadTag()) != 0) read(WireFormat.GetTagFieldNumber(tag), input);
    }

    private static bool IsZero(JsonNode node, string type) => type switch
    {
        "s" or "y" => node.ToString().Length == 0,
        "i32" or "i64" => node.ToJsonString() == "0",
        "b" => node.ToJsonString() == "false",
        "d" or "f" => Number(node) == 0,
        _ => false,
    };

    // ------------------------------------------------------------------ encoding

    /// <summary>The envelope plus message for a stored object whose kind has a table; null when it has none.</summary>
    public static byte[]? Encode(JsonObject obj)
    {
        var apiVersion = Json.String(obj, "apiVersion") ?? "";
        var kind = Json.String(obj, "kind") ?? "";
        if (ProtoSchema.RootMessage(apiVersion, kind) is not { } message) return null;
        var typeMeta = Message(output => { WriteString(output, 1, apiVersion); WriteString(output, 2, kind); });
        var raw = EncodeMessage(obj, message);
        var envelope = Message(output =>
        {
            WriteBytes(output, 1, typeMeta);
            WriteBytes(output, 2, raw);
            WriteString(output, 3, "");
            WriteString(output, 4, "");
        });
        return [.. Magic, .. envelope];
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        write(output);
        output.Flush();
        return stream.ToArray();
    }

    private static void WriteString(CodedOutputStream output, int number, string value)
    {
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    private static void WriteBytes(CodedOutputStream output, int number, byte[] value)
    {
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
    }

    private static byte[] EncodeMessage(JsonObject obj, string message) => Message(output =>
    {
        foreach (var field in ProtoSchema.Messages[message].Values)
        {
            if (field.Inline)
            {
                WriteBytes(output, field.Number, EncodeMessage(obj, field.Type));
                continue;
            }
            var value = obj[field.Name];
            if (value is null) continue;
            if (field.MapKey is not null)
            {
                if (value is not JsonObject map) continue;
                foreach (var (k, v) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    var entry = Message(e =>
                    {
                        WriteValue(e, 1, field.MapKey, JsonValue.Create(k));
                        if (v is not null) WriteValue(e, 2, field.MapValue!, v);
                    });
                    WriteBytes(output, field.Number, entry);
                }
            }
            else if (field.Repeated)
            {
                if (value is JsonArray items)
                    foreach (var item in items)
                        if (item is not null) WriteValue(output, field.Number, field.Type, item);
            }
            else WriteValue(output, field.Number, field.Type, value);
        }
    });

    private static void WriteValue(CodedOutputStream output, int number, string type, JsonNode value)
    {
        switch (type)
        {
            case "s": WriteString(output, number, value is JsonValue sv && sv.GetValueKind() == System.Text.Json.JsonValueKind.String ? sv.GetValue<string>() : value.ToJsonString()); return;
            case "y": WriteBytes(output, number, Convert.FromBase64String(value.ToString())); return;
            case "i32": output.WriteTag(number, WireFormat.WireType.Varint); output.WriteInt32((int)Number(value)); return;
            case "i64": output.WriteTag(number, WireFormat.WireType.Varint); output.WriteInt64((long)Number(value)); return;
            case "b": output.WriteTag(number, WireFormat.WireType.Varint); output.WriteBool(value.GetValueKind() == System.Text.Json.JsonValueKind.True); return;
            case "d": output.WriteTag(number, WireFormat.WireType.Fixed64); output.WriteDouble(Number(value)); return;
            case "f": output.WriteTag(number, WireFormat.WireType.Fixed32); output.WriteFloat((float)Number(value)); return;
        }
        byte[] bytes;
        switch (type)
        {
            case "meta.Time" or "meta.MicroTime":
                if (!DateTimeOffset.TryParse(value.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var t)) return;
                bytes = Message(o =>
                {
                    o.WriteTag(1, WireFormat.WireType.Varint);
                    o.WriteInt64(t.ToUnixTimeSeconds());
                    o.WriteTag(2, WireFormat.WireType.Varint);
                    o.WriteInt32((int)(t.UtcTicks % TimeSpan.TicksPerSecond * 100));
                });
                break;
            case "meta.Duration":
                bytes = Message(o => { o.WriteTag(1, WireFormat.WireType.Varint); o.WriteInt64(GoDuration.Parse(value.ToString())); });
                break;
            case "res.Quantity":
                bytes = Message(o => WriteString(o, 1, value.ToString()));
                break;
            case "intstr.IntOrString":
                var isInt = value.GetValueKind() == System.Text.Json.JsonValueKind.Number;
                bytes = Message(o =>
                {
                    o.WriteTag(1, WireFormat.WireType.Varint);
                    o.WriteInt64(isInt ? 0 : 1);
                    o.WriteTag(2, WireFormat.WireType.Varint);
                    o.WriteInt32(isInt ? (int)Number(value) : 0);
                    WriteString(o, 3, isInt ? "" : value.ToString());
                });
                break;
            case "rt.RawExtension" or "meta.FieldsV1":
                bytes = Message(o => WriteBytes(o, 1, Encoding.UTF8.GetBytes(Json.Serialize(value))));
                break;
            default:
                if (value is not JsonObject child) return;
                bytes = EncodeMessage(child, type);
                break;
        }
        WriteBytes(output, number, bytes);
    }

    private static double Number(JsonNode value) =>
        double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0;
}
