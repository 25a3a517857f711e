using System.Runtime.InteropServices;
using Google.Protobuf;
using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Tests.Conformance;

/// <summary>
/// Reads an ONNX <c>TensorProto</c> (the backend test data's input_N.pb / output_N.pb) into a <see cref="Tensor"/> with
/// Google.Protobuf's wire reader; the onnx.proto schema is not compiled here, so fields are read by number.
/// </summary>
public static class TensorProtoReader
{
    /// <summary>The tensor and its name, or null with the reason when the element type has no sidecar datatype.</summary>
    public static (string Name, Tensor? Tensor, string? Unsupported) Read(string path)
    {
        var input = new CodedInputStream(File.ReadAllBytes(path));
        var dims = new List<long>();
        var dataType = 0;
        var name = "";
        ByteString? raw = null;
        var floats = new List<float>();
        var int32s = new List<int>();
        var int64s = new List<long>();
        var doubles = new List<double>();
        var uint64s = new List<ulong>();
        var strings = new List<byte[]>();
        var external = false;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            var packed = WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited;
            switch (field)
            {
                case 1: Repeated(input, packed, dims, s => s.ReadInt64()); break;
                case 2: dataType = input.ReadInt32(); break;
                case 4: Repeated(input, packed, floats, s => s.ReadFloat()); break;
                case 5: Repeated(input, packed, int32s, s => s.ReadInt32()); break;
                case 6: strings.Add(input.ReadBytes().ToByteArray()); break;
                case 7: Repeated(input, packed, int64s, s => s.ReadInt64()); break;
                case 8: name = input.ReadString(); break;
                case 9: raw = input.ReadBytes(); break;
                case 10: Repeated(input, packed, doubles, s => s.ReadDouble()); break;
                case 11: Repeated(input, packed, uint64s, s => s.ReadUInt64()); break;
                case 13: external = true; input.SkipLastField(); break;
                default: input.SkipLastField(); break;
            }
        }

        if (external)
        {
            return (name, null, "tensor data stored externally");
        }

        if (dataType is < 1 or > 13 and not 16)
        {
            return (name, null, $"ONNX element type {ElementTypeName(dataType)} has no KServe V2 datatype the sidecar serves");
        }

        var type = (TensorElementType)dataType;
        var shape = dims.ToArray();
        if (type == TensorElementType.String)
        {
            return (name, Tensor.FromStrings(shape, strings.ToArray()), null);
        }

        var count = (int)Tensor.ElementCountOf(shape);
        var size = Tensor.ElementSize(type);
        byte[] bytes;
        if (raw is not null)
        {
            bytes = raw.ToByteArray();
        }
        else
        {
            bytes = new byte[count * size];
            var span = bytes.AsSpan();
            for (var i = 0; i < count; i++)
            {
                switch (type)
                {
                    case TensorElementType.Float: MemoryMarshal.Write(span[(i * 4)..], floats[i]); break;
                    case TensorElementType.Double: MemoryMarshal.Write(span[(i * 8)..], doubles[i]); break;
                    case TensorElementType.Int64: MemoryMarshal.Write(span[(i * 8)..], int64s[i]); break;
                    case TensorElementType.UInt64: MemoryMarshal.Write(span[(i * 8)..], uint64s[i]); break;
                    case TensorElementType.UInt32: MemoryMarshal.Write(span[(i * 4)..], (uint)uint64s[i]); break;
                    case TensorElementType.Int32: MemoryMarshal.Write(span[(i * 4)..], int32s[i]); break;
                    case TensorElementType.Int16: MemoryMarshal.Write(span[(i * 2)..], (short)int32s[i]); break;
                    case TensorElementType.UInt16 or TensorElementType.Float16 or TensorElementType.BFloat16: MemoryMarshal.Write(span[(i * 2)..], (ushort)int32s[i]); break;
                    default: span[i] = (byte)int32s[i]; break; // int8, uint8, bool
                }
            }
        }

        return (name, Tensor.FromBytes(type, shape, bytes), null);
    }

    private static void Repeated<T>(CodedInputStream input, bool packed, List<T> into, Func<CodedInputStream, T> read)
    {
        if (!packed)
        {
            into.Add(read(input));
            return;
        }

        var inner = new CodedInputStream(input.ReadBytes().ToByteArray());
        while (!inner.IsAtEnd)
        {
            into.Add(read(inner));
        }
    }

    private static string ElementTypeName(int type) => type switch
    {
        14 => "COMPLEX64",
        15 => "COMPLEX128",
        16 => "BFLOAT16",
        17 or 18 or 19 or 20 => "FLOAT8",
        21 => "UINT4",
        22 => "INT4",
        _ => type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
