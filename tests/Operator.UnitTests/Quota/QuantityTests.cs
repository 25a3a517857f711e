using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.UnitTests.Quota;

public class QuantityTests
{
    [Theory]
    [InlineData("1", "1")]
    [InlineData("500m", "0.5")]
    [InlineData("1.5", "1.5")]
    [InlineData("1Gi", "1073741824")]
    [InlineData("512Mi", "536870912")]
    [InlineData("1k", "1000")]
    [InlineData("2M", "2000000")]
    [InlineData("1e3", "1000")]
    [InlineData("100n", "0.0000001")]
    public void Parses_kubernetes_quantities(string text, string expected)
    {
        Assert.True(Quantity.TryParse(text, out var value));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("1Gb")]
    [InlineData("1 Gi")]
    [InlineData("--1")]
    public void Rejects_what_is_not_a_quantity(string text)
    {
        Assert.False(Quantity.TryParse(text, out _));
    }

    [Theory]
    [InlineData("2", "2")]
    [InlineData("0.5", "500m")]
    [InlineData("1073741824", "1Gi")]
    [InlineData("1610612736", "1536Mi")]
    [InlineData("0", "0")]
    public void Formats_short_and_exact(string value, string expected)
    {
        Assert.Equal(expected, Quantity.Format(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
