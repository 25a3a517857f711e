using MlOperator.Operator.Analysis;

namespace MlOperator.Operator.UnitTests.Analysis;

public class PrometheusTextParserTests
{
    [Fact]
    public void Reads_names_labels_and_values_and_skips_comments()
    {
        var samples = PrometheusTextParser.Parse("""
            # HELP inference_requests_total Inference requests by model, version and HTTP status code.
            # TYPE inference_requests_total counter
            inference_requests_total{model="mlp",version="1",code="200"} 1027

            inference_requests_total{model="mlp",version="1",code="500"} 3 1712345678901
            process_open_fds 12
            """);

        Assert.Equal(3, samples.Count);
        Assert.Equal("inference_requests_total", samples[0].Name);
        Assert.Equal("200", samples[0].Label("code"));
        Assert.Equal(1027, samples[0].Value);
        Assert.Equal(3, samples[1].Value); // the timestamp is not the value
        Assert.Empty(samples[2].Labels);
        Assert.Equal("", samples[2].Label("code"));
    }

    [Theory]
    [InlineData("x +Inf", double.PositiveInfinity)]
    [InlineData("x -Inf", double.NegativeInfinity)]
    [InlineData("x 1.5e-3", 0.0015)]
    [InlineData("x{} 7", 7)]
    [InlineData("x{a=\"1\",} 8", 8)]
    public void Reads_special_and_scientific_values(string line, double expected) =>
        Assert.Equal(expected, PrometheusTextParser.Parse(line).Single().Value);

    [Fact]
    public void Reads_NaN() => Assert.True(double.IsNaN(PrometheusTextParser.Parse("x NaN").Single().Value));

    [Fact]
    public void Unescapes_label_values()
    {
        var sample = PrometheusTextParser.Parse("x{path=\"a\\\"b\\\\c\\nd\",other=\"}\"} 1").Single();

        Assert.Equal("a\"b\\c\nd", sample.Label("path"));
        Assert.Equal("}", sample.Label("other"));
    }

    [Theory]
    [InlineData("{a=\"1\"} 1", "line 1: expected a metric name")]
    [InlineData("x{a=1} 1", "line 1: expected label=\"value\"")]
    [InlineData("x{a=\"1} 1", "line 1: unterminated value of label 'a'")]
    [InlineData("ok 1\nx one", "line 2: 'one' is not a sample value")]
    [InlineData("x", "line 1: '' is not a sample value")]
    public void Malformed_input_names_the_line_and_the_problem(string text, string message) =>
        Assert.Equal(message, Assert.Throws<MetricsFormatException>(() => PrometheusTextParser.Parse(text)).Message);

    [Fact]
    public void Never_throws_anything_but_a_format_error_on_garbage()
    {
        var random = new Random(42);
        const string alphabet = "ab_{}=\",\\ \n#0.9e+-Inf";
        for (var i = 0; i < 5_000; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(40)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            try
            {
                PrometheusTextParser.Parse(text);
            }
            catch (MetricsFormatException)
            {
            }
        }
    }
}
