using MlOperator.Operator.Api.V1Alpha1;
using k8s.Models;

namespace MlOperator.Operator.UnitTests.Api;

public class DurationValueTests
{
    [Theory]
    [InlineData("2ms", 2)]
    [InlineData("500us", 0.5)]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5h", 5_400_000)]
    public void Parses_go_durations(string text, double milliseconds)
    {
        Assert.True(DurationValue.TryParse((IntOrString)text, out var d));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), d);
    }

    [Fact]
    public void Integer_means_seconds()
    {
        Assert.True(DurationValue.TryParse((IntOrString)120, out var d));
        Assert.Equal(TimeSpan.FromMinutes(2), d);
        Assert.False(DurationValue.TryParse((IntOrString)(-1), out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("2 ms")]
    [InlineData("2d")]
    [InlineData("ms")]
    public void Rejects_malformed(string text)
    {
        Assert.False(DurationValue.TryParse(text, out _));
    }

    [Theory]
    [InlineData("1m30s", "90s")]
    [InlineData("2ms", "2ms")]
    [InlineData("500us", "500us")]
    [InlineData("1.5s", "1500ms")]
    public void Formats_one_unit_for_the_sidecar(string text, string expected)
    {
        Assert.True(DurationValue.TryParse(text, out var d));
        Assert.Equal(expected, DurationValue.Format(d));
    }
}
