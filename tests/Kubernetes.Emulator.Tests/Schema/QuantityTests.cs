using MlOperator.Kubernetes.Emulator.Schema;

namespace MlOperator.Kubernetes.Emulator.Tests.Schema;

public sealed class QuantityTests
{
    [Theory]
    [InlineData("0", "0")]
    [InlineData("0.5", "500m")]
    [InlineData("1024Mi", "1Gi")]
    [InlineData("1000m", "1")]
    [InlineData("1.5Gi", "1536Mi")]
    [InlineData("100M", "100M")]
    [InlineData("1e3", "1e3")]
    [InlineData("1000e0", "1e3")]
    [InlineData("1500m", "1500m")]
    [InlineData("2000m", "2")]
    [InlineData("0.1", "100m")]
    [InlineData("1.0", "1")]
    [InlineData("1.5", "1500m")]
    [InlineData("1Ki", "1Ki")]
    [InlineData("2048Ki", "2Mi")]
    [InlineData("1536Ki", "1536Ki")]
    [InlineData("0.5Gi", "512Mi")]
    [InlineData("0.5Ki", "512")]
    [InlineData("1000k", "1M")]
    [InlineData("1000000", "1M")]
    [InlineData("1500000", "1500k")]
    [InlineData("0.0000000001", "1n")]
    [InlineData("0.0000000015", "2n")]
    [InlineData("-1", "-1")]
    [InlineData("-0.5", "-500m")]
    [InlineData("12e6", "12e6")]
    [InlineData("5e-1", "500e-3")]
    [InlineData("0Gi", "0")]
    [InlineData("0.000", "0")]
    // kube echoes a fast-path string that already looks canonical, sign and trailing dot included.
    [InlineData("+1", "+1")]
    [InlineData("1.", "1.")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("3Gi", "3Gi")]
    [InlineData("7Ei", "7Ei")]
    [InlineData("8Ei", "9223372036854775807")]
    [InlineData("100Ei", "9223372036854775807")]
    public void Canonicalizes_like_kube(string input, string expected)
    {
        Assert.True(Quantity.TryCanonicalize(input, out var canonical));
        Assert.Equal(expected, canonical);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    [InlineData("1Mx")]
    [InlineData("1 Gi")]
    [InlineData("1K")]
    [InlineData("1e")]
    [InlineData("--1")]
    [InlineData("1e3.5")]
    [InlineData("1Gi ")]
    public void Rejects_strings_kube_rejects(string input)
    {
        Assert.False(Quantity.TryCanonicalize(input, out var canonical));
        Assert.Equal("", canonical);
        Assert.False(Quantity.TryParse(input, out _));
    }

    [Theory]
    [InlineData("1.5Gi", "1610612736")]
    [InlineData("500m", "0.5")]
    [InlineData("1e3", "1000")]
    [InlineData("2", "2")]
    [InlineData("-250m", "-0.25")]
    [InlineData("1n", "0.000000001")]
    [InlineData("1Ki", "1024")]
    public void Parses_the_numeric_value(string input, string expected)
    {
        Assert.True(Quantity.TryParse(input, out var amount));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), amount);
    }

    [Fact]
    public void Equal_quantities_compare_equal_across_formats()
    {
        Assert.True(Quantity.TryParse("1Gi", out var binary));
        Assert.True(Quantity.TryParse("1024Mi", out var other));
        Assert.True(Quantity.TryParse("1073741824", out var plain));
        Assert.Equal(binary, other);
        Assert.Equal(binary, plain);
    }

    [Fact]
    public void Huge_exponents_neither_throw_nor_allocate()
    {
        Assert.True(Quantity.TryCanonicalize("1e999999999", out var canonical));
        Assert.Equal("1e999999999", canonical);
        Assert.False(Quantity.TryParse("1e999999999", out _));
        Assert.True(Quantity.TryCanonicalize("1e-999999999", out var tiny));
        Assert.Equal("1e-9", tiny);
    }

    [Theory]
    [InlineData("1Mx", Quantity.FormatErrorMessage)]
    [InlineData("", Quantity.FormatErrorMessage)]
    [InlineData("1K", Quantity.SuffixErrorMessage)]
    [InlineData("1e", Quantity.SuffixErrorMessage)]
    public void Explains_rejections_with_kubes_errors(string input, string expected)
    {
        Assert.False(Quantity.TryCanonicalize(input, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("0.5", "500m")]
    [InlineData("2", "2")]
    [InlineData("1e3", "1e3")]
    [InlineData("\" 1Gi \"", "1Gi")]
    [InlineData("\"1024Mi\"", "1Gi")]
    public void Reads_json_strings_and_numbers_like_UnmarshalJSON(string json, string expected)
    {
        Assert.True(Quantity.TryCanonicalize(System.Text.Json.Nodes.JsonNode.Parse(json), out var canonical, out var error));
        Assert.Null(error);
        Assert.Equal(expected, canonical);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("\"lots\"")]
    public void Rejects_json_that_is_not_a_quantity(string json) =>
        Assert.False(Quantity.TryCanonicalize(System.Text.Json.Nodes.JsonNode.Parse(json), out _, out _));
}
