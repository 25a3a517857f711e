using System.Globalization;
using System.Text;
using MlOperator.Inference.Sidecar.Inference;

namespace MlOperator.Inference.Sidecar.Tests.Inference;

public sealed class FastFloatParserTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-0.0")]
    [InlineData("0.0625")]
    [InlineData("-1.5e-3")]
    [InlineData("0.12345679")]
    [InlineData("-6.02214076e23")]
    [InlineData("1E+2")]
    [InlineData("123456789012345")]
    [InlineData("0.000000000000000000001")]
    public void Takes_short_decimals_and_gives_the_correctly_rounded_value(string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.True(FastFloatParser.TryParseDouble(bytes, out var d), text);
        Assert.Equal(BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)), BitConverter.DoubleToInt64Bits(d));
        if (FastFloatParser.TryParseSingle(bytes, out var f))
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(float.Parse(text, CultureInfo.InvariantCulture)), BitConverter.SingleToInt32Bits(f));
        }
    }

    [Theory]
    [InlineData("16777217")] // exactly halfway between two floats: the double is a midpoint, so the float path declines
    [InlineData("0.10000000149011612")] // 17 digits: more than 2^53
    [InlineData("12345678901234567890")] // 20 digits
    [InlineData("1e23")]
    [InlineData("1e-23")]
    [InlineData("1e99999")]
    public void Declines_what_it_cannot_prove_exact(string text)
    {
        Assert.False(FastFloatParser.TryParseSingle(Encoding.ASCII.GetBytes(text), out _), text);
    }

    [Fact]
    public void Agrees_bit_for_bit_with_the_framework_on_random_decimals_whenever_it_answers()
    {
        var random = new Random(42);
        var taken = 0;
        for (var n = 0; n < 200_000; n++)
        {
            var text = RandomNumber(random);
            var bytes = Encoding.ASCII.GetBytes(text);
            if (FastFloatParser.TryParseSingle(bytes, out var f))
            {
                taken++;
                Assert.True(BitConverter.SingleToInt32Bits(float.Parse(text, CultureInfo.InvariantCulture)) == BitConverter.SingleToInt32Bits(f), text);
            }

            if (FastFloatParser.TryParseDouble(bytes, out var d))
            {
                Assert.True(BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)) == BitConverter.DoubleToInt64Bits(d), text);
            }
        }

        Assert.True(taken > 100_000, $"the fast path took only {taken} of 200,000");
    }

    [Fact]
    public void Agrees_with_the_framework_on_the_shortest_text_of_random_floats()
    {
        var random = new Random(7);
        for (var n = 0; n < 200_000; n++)
        {
            var value = BitConverter.Int32BitsToSingle(random.Next());
            if (!float.IsFinite(value))
            {
                continue;
            }

            var text = value.ToString("R", CultureInfo.InvariantCulture);
            if (FastFloatParser.TryParseSingle(Encoding.ASCII.GetBytes(text), out var f))
            {
                Assert.True(BitConverter.SingleToInt32Bits(value) == BitConverter.SingleToInt32Bits(f), text);
            }
        }
    }

    /// <summary>JSON number grammar, weighted towards what the fast path takes and the edges around it.</summary>
    private static string RandomNumber(Random random)
    {
        var text = new StringBuilder();
        if (random.Next(2) == 0)
        {
            text.Append('-');
        }

        var integerDigits = random.Next(0, 12);
        text.Append(integerDigits == 0 ? "0" : (char)('1' + random.Next(9)) + Digits(random, integerDigits - 1));
        if (random.Next(3) > 0)
        {
            text.Append('.').Append(Digits(random, random.Next(1, 18)));
        }

        if (random.Next(3) == 0)
        {
            text.Append(random.Next(2) == 0 ? 'e' : 'E').Append(random.Next(3) switch { 0 => "-", 1 => "+", _ => "" }).Append(random.Next(0, 40));
        }

        return text.ToString();
    }

    private static string Digits(Random random, int count)
    {
        var digits = new char[count];
        for (var k = 0; k < count; k++)
        {
            digits[k] = (char)('0' + random.Next(10));
        }

        return new string(digits);
    }
}
