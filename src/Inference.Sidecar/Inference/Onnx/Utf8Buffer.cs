using System.Runtime.InteropServices;
using System.Text;

namespace MlOperator.Inference.Sidecar.Inference.Onnx;

/// <summary>A null-terminated UTF-8 copy of a string in native memory, for the C API's <c>const char*</c>.</summary>
internal unsafe struct Utf8Buffer : IDisposable
{
    public Utf8Buffer(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Pointer = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(value, new Span<byte>(Pointer, length));
        Pointer[length] = 0;
    }

    public byte* Pointer { get; private set; }

    public void Dispose()
    {
        NativeMemory.Free(Pointer);
        Pointer = null;
    }
}
