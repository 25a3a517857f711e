using System.Buffers.Binary;
using MlOperator.Inference.Sidecar.Inference.Onnx;

namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>
/// Triton's binary tensor layout: fixed-size elements little-endian and row-major (BOOL one byte each); BYTES
/// elements each as a 4-byte little-endian length followed by that many bytes.
/// </summary>
public static class BinaryTensorCodec
{
    public static Tensor Read(ReadOnlySpan<byte> data, string name, TensorElementType type, long[] shape, long maxElements)
    {
        var count = Tensor.ElementCountOf(shape);
        if (count > maxElements)
        {
            throw new InferenceException(InferenceError.TooLarge,
                $"input '{name}' has {count} elements, more than the limit of {maxElements} per tensor");
        }

        if (type == TensorElementType.String)
        {
            return Tensor.FromStrings(shape, ReadStrings(data, name, count, shape));
        }

        var expected = count * Tensor.ElementSize(type);
        if (data.Length != expected)
        {
            throw InferenceException.BadRequest(
                $"input '{name}' has {data.Length} bytes of binary data, but {DataTypeNames.Name(type)} shape {JsonTensorCodec.ShapeText(shape)} needs {expected}");
        }

        var bytes = data.ToArray();
        if (type == TensorElementType.Bool)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = bytes[i] == 0 ? (byte)0 : (byte)1; // ORT's bool is 0/1; normalise any other byte
            }
        }

        return Tensor.FromBytes(type, shape, bytes);
    }

    private static byte[][] ReadStrings(ReadOnlySpan<byte> data, string name, long count, long[] shape)
    {
        var strings = new List<byte[]>();
        while (data.Length > 0)
        {
            if (data.Length < 4)
            {
                throw InferenceException.BadRequest($"input '{name}' (BYTES): binary data ends inside a 4-byte length prefix");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(data);
            data = data[4..];
            if (length > data.Length)
            {
                throw InferenceException.BadRequest($"input '{name}' (BYTES): element {strings.Count} claims {length} bytes, only {data.Length} remain");
            }

            var element = data[..(int)length];
            if (element.Contains((byte)0))
            {
                throw InferenceException.BadRequest($"input '{name}' (BYTES) element {strings.Count} contains a NUL byte, which ONNX Runtime strings cannot hold");
            }

            strings.Add(element.ToArray());
            data = data[(int)length..];
            if (strings.Count > count)
            {
                break;
            }
        }

        if (strings.Count != count)
        {
            throw InferenceException.BadRequest(
                $"input '{name}' has {(strings.Count > count ? "more than " + count : strings.Count)} BYTES elements but shape {JsonTensorCodec.ShapeText(shape)} needs {count}");
        }

        return strings.ToArray();
    }

    /// <summary>Bytes of <paramref name="tensor"/> as the extension sends them.</summary>
    public static byte[] Encode(Tensor tensor)
    {
        if (tensor.ElementType != TensorElementType.String)
        {
            return tensor.Bytes;
        }

        var strings = tensor.Strings!;
        var result = new byte[strings.Sum(s => 4 + s.Length)];
        var at = 0;
        foreach (var s in strings)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(at), (uint)s.Length);
            s.CopyTo(result, at + 4);
            at += 4 + s.Length;
        }

        return result;
    }
}
