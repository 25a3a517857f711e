using System.Globalization;
using System.Numerics;

namespace MlOperator.Kubernetes.Emulator.Schema;

/// <summary>
/// Kubernetes resource.Quantity parsing and serialisation (apimachinery api/resource/quantity.go), so the
/// emulator stores quantities in built-in objects exactly as kube-apiserver would write them back:
/// "0.5" → "500m", "1024Mi" → "1Gi", "1000m" → "1", "1.5Gi" → "1536Mi", "1e3" → "1e3", "100M" → "100M".
/// Follows kube's rules, quirks included: values are rounded up to nano precision, a binary-SI value
/// below 1024 or with a fraction is written in decimal SI, decimal exponents stay in e-notation, and a
/// string that parses on kube's fast path and already looks canonical is kept verbatim (so "+1" stays "+1").
/// </summary>
public static class Quantity
{
    private enum Format
    {
        DecimalExponent,
        BinarySI,
        DecimalSI,
    }

    /// <summary>resource.ErrFormatWrong: the text kube-apiserver answers (400) for a malformed quantity.</summary>
    public const string FormatErrorMessage = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    /// <summary>resource.ErrSuffix.</summary>
    public const string SuffixErrorMessage = "unable to parse quantity's suffix";

    /// <summary>resource.ErrNumeric.</summary>
    public const string NumericErrorMessage = "unable to parse numeric part of quantity";

    private static readonly BigInteger MaxInt64 = long.MaxValue;

    /// <summary>kube's canonical string for a valid quantity; false (and "") for a string kube rejects.</summary>
    public static bool TryCanonicalize(string value, out string canonical) => TryCanonicalize(value, out canonical, out _);

    /// <summary>As <see cref="TryCanonicalize(string, out string)"/>, with kube's error text when invalid.</summary>
    public static bool TryCanonicalize(string value, out string canonical, out string? error)
    {
        canonical = "";
        if (!TryParseQuantity(value, out var parsed, out error))
        {
            return false;
        }

        canonical = parsed.Cached ?? Canonical(parsed);
        return true;
    }

    /// <summary>
    /// A quantity as it appears in JSON, the way Quantity.UnmarshalJSON reads it: a string (trimmed) or a
    /// bare number (its literal text, so 0.5 becomes "500m"). JSON null is not a quantity here.
    /// </summary>
    public static bool TryCanonicalize(System.Text.Json.Nodes.JsonNode? value, out string canonical, out string? error)
    {
        canonical = "";
        error = FormatErrorMessage;
        if (value is not System.Text.Json.Nodes.JsonValue json)
        {
            return false;
        }

        var text = json.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => JsonNodes.StringOf(json).Trim(),
            System.Text.Json.JsonValueKind.Number => json.ToJsonString(),
            _ => null,
        };
        return text is not null && TryCanonicalize(text, out canonical, out error);
    }

    /// <summary>The quantity's numeric value (after kube's nano rounding); false when invalid or beyond decimal's range.</summary>
    public static bool TryParse(string value, out decimal amount)
    {
        amount = 0;
        if (!TryParseQuantity(value, out var parsed, out _))
        {
            return false;
        }

        try
        {
            if (parsed.Exponent >= 0)
            {
                if (parsed.Exponent > 30)
                {
                    return parsed.Unscaled.IsZero;
                }

                var whole = parsed.Unscaled * BigInteger.Pow(10, parsed.Exponent);
                if (BigInteger.Abs(whole) > new BigInteger(decimal.MaxValue))
                {
                    return false;
                }

                amount = (decimal)whole;
                return true;
            }

            if (BigInteger.Abs(parsed.Unscaled) > new BigInteger(decimal.MaxValue))
            {
                return false;
            }

            amount = (decimal)parsed.Unscaled / (decimal)Math.Pow(10, -parsed.Exponent);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>value = Unscaled × 10^Exponent; Cached is the input kube would echo back verbatim.</summary>
    private readonly record struct Parsed(BigInteger Unscaled, int Exponent, Format Format, string? Cached);

    private static bool TryParseQuantity(string str, out Parsed parsed, out string? error)
    {
        parsed = default;
        error = FormatErrorMessage;
        if (string.IsNullOrEmpty(str))
        {
            return false;
        }

        if (str == "0")
        {
            parsed = new Parsed(BigInteger.Zero, 0, Format.DecimalSI, "0");
            error = null;
            return true;
        }

        if (!TrySplit(str, out var positive, out var number, out var num, out var denom, out var suffix))
        {
            return false;
        }

        if (!TryInterpretSuffix(suffix, out var suffixBase, out var exponent, out var format))
        {
            error = SuffixErrorMessage;
            return false;
        }

        error = NumericErrorMessage;

        // kube's int64 fast path: small enough values keep their spelling when already canonical.
        var precision = -1;
        var mantissa = 1L;
        if (format is Format.DecimalExponent or Format.DecimalSI)
        {
            precision = 18 - (num.Length + denom.Length);
        }
        else if (exponent >= 0 && denom.Length == 0)
        {
            mantissa = 1L << exponent;
            precision = 15 - num.Length - (int)((float)exponent * 3 / 10) - 1;
        }

        if (precision >= 0)
        {
            var scale = (format == Format.BinarySI ? 0 : exponent) - denom.Length;
            if (scale >= -9)
            {
                var shifted = num + denom;
                if (!long.TryParse(shifted, NumberStyles.None, CultureInfo.InvariantCulture, out var digits))
                {
                    return false;
                }

                if (TryMultiply(digits, mantissa, out var result))
                {
                    string? cached = null;
                    if (format == Format.BinarySI)
                    {
                        if (exponent % 10 == 0 && (digits & 0x07) != 0)
                        {
                            cached = str;
                        }
                    }
                    else if (scale % 3 == 0 && !shifted.EndsWith("000", StringComparison.Ordinal) && shifted[0] != '0')
                    {
                        cached = str;
                    }

                    parsed = new Parsed(positive ? result : -result, scale, format, cached);
                    error = null;
                    return true;
                }
            }
        }

        // Arbitrary precision path (inf.Dec in kube).
        if (!TryParseDecimal(number, out var unscaled, out var exp10))
        {
            return false;
        }

        if (suffixBase == 10)
        {
            exp10 += exponent;
        }
        else
        {
            unscaled *= BigInteger.Pow(2, exponent);
        }

        var negative = unscaled.Sign < 0;
        unscaled = BigInteger.Abs(unscaled);

        // Round any non-zero value up to whole nanos: asking for a tiny amount should still get some.
        if (!unscaled.IsZero && exp10 < -9)
        {
            var drop = -9 - exp10;
            var digitCount = unscaled.ToString(CultureInfo.InvariantCulture).Length;
            if (drop > digitCount)
            {
                unscaled = BigInteger.One;
            }
            else
            {
                var divisor = BigInteger.Pow(10, drop);
                var quotient = BigInteger.DivRem(unscaled, divisor, out var remainder);
                unscaled = remainder.IsZero ? quotient : quotient + 1;
            }

            exp10 = -9;
        }

        if (format == Format.BinarySI)
        {
            if (exp10 >= 0 && (unscaled.ToString(CultureInfo.InvariantCulture).Length + exp10 > 19 || unscaled * BigInteger.Pow(10, exp10) > MaxInt64))
            {
                unscaled = MaxInt64;
                exp10 = 0;
            }

            if (exp10 < 0 && !unscaled.IsZero && unscaled < BigInteger.Pow(10, -exp10))
            {
                format = Format.DecimalSI;
            }
        }

        parsed = new Parsed(negative ? -unscaled : unscaled, exp10, format, null);
        error = null;
        return true;
    }

    private static string Canonical(Parsed q)
    {
        if (q.Unscaled.IsZero)
        {
            return "0";
        }

        var format = q.Format;
        BigInteger integer = default;
        if (format == Format.BinarySI)
        {
            if (IsIntegral(q, out integer) && BigInteger.Abs(integer) >= 1024)
            {
                return Binary(integer);
            }

            format = Format.DecimalSI;
        }

        // Move all factors of ten into the exponent, then back off to a multiple of three.
        var mantissa = q.Unscaled;
        var exponent = (long)q.Exponent;
        while (true)
        {
            var quotient = BigInteger.DivRem(mantissa, 10, out var remainder);
            if (!remainder.IsZero || quotient.IsZero)
            {
                break;
            }

            mantissa = quotient;
            exponent++;
        }

        while (exponent % 3 != 0)
        {
            mantissa *= 10;
            exponent--;
        }

        if (format == Format.DecimalExponent)
        {
            return exponent == 0
                ? mantissa.ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{mantissa}e{exponent}");
        }

        if (exponent > 18)
        {
            // Beyond exa there is no suffix; kube prints a wrong bare number here, we keep the value right.
            mantissa *= BigInteger.Pow(10, (int)(exponent - 18));
            exponent = 18;
        }

        var suffix = exponent switch
        {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            0 => "",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            18 => "E",
            _ => null,
        };
        return suffix is null
            ? string.Create(CultureInfo.InvariantCulture, $"{mantissa}e{exponent}")
            : mantissa.ToString(CultureInfo.InvariantCulture) + suffix;
    }

    private static string Binary(BigInteger value)
    {
        var negative = value.Sign < 0;
        var amount = BigInteger.Abs(value);
        var times = 0;
        while (amount >= 1024 && (amount % 1024).IsZero && times < 6)
        {
            amount /= 1024;
            times++;
        }

        var suffix = times switch
        {
            1 => "Ki",
            2 => "Mi",
            3 => "Gi",
            4 => "Ti",
            5 => "Pi",
            6 => "Ei",
            _ => "",
        };
        return (negative ? "-" : "") + amount.ToString(CultureInfo.InvariantCulture) + suffix;
    }

    private static bool IsIntegral(Parsed q, out BigInteger value)
    {
        if (q.Exponent >= 0)
        {
            value = q.Unscaled * BigInteger.Pow(10, q.Exponent);
            return true;
        }

        value = BigInteger.DivRem(q.Unscaled, BigInteger.Pow(10, -q.Exponent), out var remainder);
        return remainder.IsZero;
    }

    private static bool TryMultiply(long a, long b, out long result)
    {
        try
        {
            result = checked(a * b);
            return true;
        }
        catch (OverflowException)
        {
            result = 0;
            return false;
        }
    }

    /// <summary>A plain decimal ("-1.5", "2.", ".5") as unscaled × 10^exponent.</summary>
    private static bool TryParseDecimal(string number, out BigInteger unscaled, out int exponent)
    {
        unscaled = BigInteger.Zero;
        exponent = 0;
        var negative = number.StartsWith('-');
        var body = number.TrimStart('+', '-');
        var dot = body.IndexOf('.', StringComparison.Ordinal);
        var whole = dot >= 0 ? body[..dot] : body;
        var fraction = dot >= 0 ? body[(dot + 1)..] : "";
        var digits = whole + fraction;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        unscaled = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        if (negative)
        {
            unscaled = -unscaled;
        }

        exponent = -fraction.Length;
        return true;
    }

    /// <summary>
    /// parseQuantityString: sign, digits, optional fraction, then a suffix made of [eEinumkKMGTP] optionally
    /// followed by a signed integer. <paramref name="number"/> is the numeric part with its sign.
    /// </summary>
    private static bool TrySplit(string str, out bool positive, out string number, out string num, out string denom, out string suffix)
    {
        positive = true;
        number = num = denom = suffix = "";
        var pos = 0;
        var end = str.Length;
        if (str[0] == '-')
        {
            positive = false;
            pos++;
        }
        else if (str[0] == '+')
        {
            pos++;
        }

        // Leading zeros; a string of only zeros (or only a sign) is zero.
        while (true)
        {
            if (pos >= end)
            {
                num = "0";
                number = "0";
                return true;
            }

            if (str[pos] != '0')
            {
                break;
            }

            pos++;
        }

        var start = pos;
        while (pos < end && char.IsAsciiDigit(str[pos]))
        {
            pos++;
        }

        num = str[start..pos];
        if (pos >= end)
        {
            number = str;
            num = num.Length == 0 ? "0" : num;
            return true;
        }

        if (num.Length == 0)
        {
            num = "0";
        }

        if (str[pos] == '.')
        {
            pos++;
            var denomStart = pos;
            while (pos < end && char.IsAsciiDigit(str[pos]))
            {
                pos++;
            }

            denom = str[denomStart..pos];
            if (pos >= end)
            {
                number = str;
                return true;
            }
        }

        number = str[..pos];
        var suffixStart = pos;
        while (pos < end && "eEinumkKMGTP".Contains(str[pos], StringComparison.Ordinal))
        {
            pos++;
        }

        if (pos < end && (str[pos] == '-' || str[pos] == '+'))
        {
            pos++;
        }

        while (pos < end && char.IsAsciiDigit(str[pos]))
        {
            pos++;
        }

        if (pos < end)
        {
            return false;
        }

        suffix = str[suffixStart..];
        return true;
    }

    private static bool TryInterpretSuffix(string suffix, out int suffixBase, out int exponent, out Format format)
    {
        (suffixBase, exponent, format) = suffix switch
        {
            "" => (10, 0, Format.DecimalSI),
            "n" => (10, -9, Format.DecimalSI),
            "u" => (10, -6, Format.DecimalSI),
            "m" => (10, -3, Format.DecimalSI),
            "k" => (10, 3, Format.DecimalSI),
            "M" => (10, 6, Format.DecimalSI),
            "G" => (10, 9, Format.DecimalSI),
            "T" => (10, 12, Format.DecimalSI),
            "P" => (10, 15, Format.DecimalSI),
            "E" => (10, 18, Format.DecimalSI),
            "Ki" => (2, 10, Format.BinarySI),
            "Mi" => (2, 20, Format.BinarySI),
            "Gi" => (2, 30, Format.BinarySI),
            "Ti" => (2, 40, Format.BinarySI),
            "Pi" => (2, 50, Format.BinarySI),
            "Ei" => (2, 60, Format.BinarySI),
            _ => (0, 0, Format.DecimalExponent),
        };
        if (suffixBase != 0)
        {
            return true;
        }

        if (suffix.Length > 1 && (suffix[0] == 'e' || suffix[0] == 'E')
            && int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            (suffixBase, exponent, format) = (10, parsed, Format.DecimalExponent);
            return true;
        }

        return false;
    }
}
