using System.Text.Json.Nodes;
using MlOperator.Kubernetes.Emulator.Schema;

namespace MlOperator.Kubernetes.Emulator.Tests.Schema;

public sealed class GoTextTests
{
    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(1, "1")]
    [InlineData(1000, "1000")]
    [InlineData(123456, "123456")]
    [InlineData(1e6, "1e+06")]
    [InlineData(1234567, "1.234567e+06")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(1e100, "1e+100")]
    public void Formats_floats_like_percent_v(double value, string expected) => Assert.Equal(expected, GoText.FormatFloat(value));

    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(1e6, "1000000")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(-1.5e-7, "-1.5e-7")]
    public void Formats_floats_like_encoding_json(double value, string expected) => Assert.Equal(expected, GoText.FormatJsonFloat(value));

    [Theory]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("line\n", "\"line\\n\"")]
    [InlineData("é", "\"é\"")]
    [InlineData("\u0001", "\"\\x01\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    public void Quotes_like_strconv(string value, string expected) => Assert.Equal(expected, GoText.Quote(value));

    [Fact]
    public void Marshals_with_sorted_keys_and_html_escapes() =>
        Assert.Equal("""{"a":[true,null,"\u003c\u0026"],"b":1.5,"c":2}""", GoText.Marshal(JsonNode.Parse("""{"c":2,"b":1.5,"a":[true,null,"<&"]}""")));

    [Fact]
    public void Renders_composite_bad_values_with_go_syntax() =>
        Assert.Equal(
            "map[string]interface {}{\"a\":[]interface {}{1, 2.5, \"x\", true, interface {}(nil)}, \"b\":map[string]interface {}{}}",
            GoText.RenderValue(JsonNode.Parse("""{"b":{},"a":[1,2.5,"x",true,null]}""")));

    [Theory]
    [InlineData("null", "\"null\"")]
    [InlineData("\"x\"", "\"x\"")]
    [InlineData("7", "7")]
    [InlineData("0.5", "0.5")]
    [InlineData("false", "false")]
    public void Renders_scalar_bad_values_like_field_errors(string json, string expected) =>
        Assert.Equal(expected, GoText.RenderValue(JsonNode.Parse(json)));
}
