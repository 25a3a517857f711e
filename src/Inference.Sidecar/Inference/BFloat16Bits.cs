namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>
/// bfloat16 as ONNX stores it: the upper 16 bits of an IEEE float32. Conversion from float32 rounds to nearest, ties to
/// even (what ONNX Runtime's own BFloat16 does); NaN stays a quiet NaN.
/// </summary>
public static class BFloat16Bits
{
    public static ushort From(float value)
    {
        if (float.IsNaN(value))
        {
            return 0x7FC0;
        }

        var bits = BitConverter.SingleToUInt32Bits(value);
        bits += 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)(bits >> 16);
    }

    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    public static bool IsInfinity(ushort bits) => (bits & 0x7FFF) == 0x7F80;
}
