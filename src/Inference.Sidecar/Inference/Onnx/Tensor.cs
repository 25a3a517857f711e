using System.Runtime.InteropServices;
using System.Text;

namespace MlOperator.Inference.Sidecar.Inference.Onnx;

/// <summary>
/// A dense tensor in host memory. Numeric and bool elements live in <see cref="Bytes"/> in the machine's
/// (little-endian) layout, exactly as ONNX Runtime and the binary tensor extension want them, so neither needs a
/// conversion; string elements are raw UTF-8 byte strings in <see cref="Strings"/>.
/// </summary>
public sealed class Tensor
{
    private Tensor(TensorElementType elementType, long[] shape, byte[]? bytes, byte[][]? strings)
    {
        ElementType = elementType;
        Shape = shape;
        Bytes = bytes ?? [];
        Strings = strings;
    }

    public TensorElementType ElementType { get; }

    public long[] Shape { get; }

    public byte[] Bytes { get; }

    public byte[][]? Strings { get; }

    public long ElementCount => ElementCountOf(Shape);

    public static long ElementCountOf(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            count = checked(count * d);
        }

        return count;
    }

    /// <summary>Bytes per element, or 0 for strings.</summary>
    public static int ElementSize(TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.Double or TensorElementType.Int64 or TensorElementType.UInt64 => 8,
        TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Int16 or TensorElementType.UInt16 => 2,
        TensorElementType.Int8 or TensorElementType.UInt8 or TensorElementType.Bool => 1,
        TensorElementType.String => 0,
        _ => throw new NotSupportedException($"tensor element type {type} is not supported"),
    };

    public static Tensor FromBytes(TensorElementType type, long[] shape, byte[] bytes)
    {
        if (type == TensorElementType.String)
        {
            throw new ArgumentException("string tensors are built with FromStrings", nameof(type));
        }

        if (bytes.LongLength != ElementCountOf(shape) * ElementSize(type))
        {
            throw new ArgumentException($"{bytes.Length} bytes do not hold a {type} tensor of shape [{string.Join(',', shape)}]", nameof(bytes));
        }

        return new Tensor(type, shape, bytes, null);
    }

    public static Tensor FromStrings(long[] shape, byte[][] strings)
    {
        if (strings.LongLength != ElementCountOf(shape))
        {
            throw new ArgumentException($"{strings.Length} strings do not fill shape [{string.Join(',', shape)}]", nameof(strings));
        }

        return new Tensor(TensorElementType.String, shape, null, strings);
    }

    public static Tensor FromStrings(long[] shape, params string[] strings) =>
        FromStrings(shape, strings.Select(Encoding.UTF8.GetBytes).ToArray());

    public static Tensor From<T>(T[] data, params long[] shape) where T : unmanaged =>
        FromBytes(TypeOf<T>(), shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    public static Tensor FromBools(bool[] data, params long[] shape) =>
        FromBytes(TensorElementType.Bool, shape, data.Select(b => b ? (byte)1 : (byte)0).ToArray());

    public ReadOnlySpan<T> Span<T>() where T : unmanaged => MemoryMarshal.Cast<byte, T>(Bytes);

    public T[] ToArray<T>() where T : unmanaged => Span<T>().ToArray();

    public string[] ToStrings() => (Strings ?? throw new InvalidOperationException("not a string tensor"))
        .Select(s => Encoding.UTF8.GetString(s)).ToArray();

    public static TensorElementType TypeOf<T>() where T : unmanaged => default(T) switch
    {
        float => TensorElementType.Float,
        double => TensorElementType.Double,
        Half => TensorElementType.Float16,
        sbyte => TensorElementType.Int8,
        short => TensorElementType.Int16,
        int => TensorElementType.Int32,
        long => TensorElementType.Int64,
        byte => TensorElementType.UInt8,
        ushort => TensorElementType.UInt16,
        uint => TensorElementType.UInt32,
        ulong => TensorElementType.UInt64,
        _ => throw new NotSupportedException($"{typeof(T)} has no ONNX element type (bool tensors use FromBools)"),
    };
}
