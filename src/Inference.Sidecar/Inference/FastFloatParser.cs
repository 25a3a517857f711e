namespace MlOperator.Inference.Sidecar.Inference;

/// <summary>
/// Exact conversion of the short decimal numbers JSON tensors are usually written with ("0.0625", "-1.5e-3",
/// "0.12345679"), straight from the token's bytes, without the general parser's digit buffer. It answers only when
/// the result is provably the correctly rounded one and otherwise declines, so the caller falls back to
/// <see cref="System.Text.Json.Utf8JsonReader.TryGetSingle"/> / <c>TryGetDouble</c> (long mantissas, large exponents).
/// </summary>
/// <remarks>
/// Clinger's fast path: a decimal w·10^e with w below 2^53 and |e| ≤ 22 is one correctly rounded double operation
/// on two exact doubles. For a float, rounding that double to float is exact unless the double lies exactly on a
/// midpoint between two floats (the only way double rounding can go wrong), which is checked; the float range is
/// never left, since 1e-22 ≤ |w·10^e| &lt; 2^53·1e22 lies within the normal floats.
/// </remarks>
public static class FastFloatParser
{
    private const ulong MaxExactMantissa = 1UL << 53;
    private const int MaxDigits = 19; // any 19 decimal digits fit a ulong

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];

    /// <param name="number">A JSON number token, already validated by the reader.</param>
    public static bool TryParseSingle(ReadOnlySpan<byte> number, out float value)
    {
        if (!TryParseDouble(number, out var d))
        {
            value = 0;
            return false;
        }

        // Within the float range the double's 29 bits below float precision decide the rounding; exactly
        // 1000…0 is a midpoint, where the exact decimal may lie on either side of it.
        if ((BitConverter.DoubleToUInt64Bits(d) & ((1UL << 29) - 1)) == 1UL << 28)
        {
            value = 0;
            return false;
        }

        value = (float)d;
        return true;
    }

    /// <param name="number">A JSON number token, already validated by the reader.</param>
    public static bool TryParseDouble(ReadOnlySpan<byte> number, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (i < number.Length && number[i] == '-')
        {
            negative = true;
            i++;
        }

        ulong mantissa = 0;
        var digits = 0; // significant digits in the mantissa (leading zeros do not count)
        var exponent = 0;
        for (; i < number.Length && (uint)(number[i] - '0') <= 9; i++)
        {
            if (!Accumulate(ref mantissa, ref digits, number[i]))
            {
                return false;
            }
        }

        if (i < number.Length && number[i] == '.')
        {
            for (i++; i < number.Length && (uint)(number[i] - '0') <= 9; i++)
            {
                if (!Accumulate(ref mantissa, ref digits, number[i]))
                {
                    return false;
                }

                exponent--;
            }
        }

        if (i < number.Length && (number[i] | 0x20) == 'e')
        {
            i++;
            var negativeExponent = false;
            if (i < number.Length && (number[i] == '-' || number[i] == '+'))
            {
                negativeExponent = number[i] == '-';
                i++;
            }

            var written = 0;
            for (; i < number.Length && (uint)(number[i] - '0') <= 9; i++)
            {
                written = written * 10 + (number[i] - '0');
                if (written > 1000)
                {
                    return false; // far outside the fast path; also keeps the sum below from overflowing
                }
            }

            exponent += negativeExponent ? -written : written;
        }

        if (i != number.Length)
        {
            return false; // not a plain JSON number (the reader should not hand one over)
        }

        if (mantissa == 0)
        {
            value = negative ? -0.0 : 0.0;
            return true;
        }

        if (mantissa > MaxExactMantissa || exponent < -22 || exponent > 22)
        {
            return false;
        }

        var result = exponent < 0 ? mantissa / PowersOfTen[-exponent] : mantissa * PowersOfTen[exponent];
        value = negative ? -result : result;
        return true;
    }

    private static bool Accumulate(ref ulong mantissa, ref int digits, byte digit)
    {
        if (mantissa == 0 && digit == '0')
        {
            return true; // a leading zero: no significant digit yet
        }

        if (++digits > MaxDigits)
        {
            return false;
        }

        mantissa = mantissa * 10 + (ulong)(digit - '0');
        return true;
    }
}
