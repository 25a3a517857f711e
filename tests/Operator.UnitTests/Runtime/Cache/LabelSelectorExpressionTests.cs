using k8s.Models;
using MlOperator.Operator.Runtime.Cache;

namespace MlOperator.Operator.UnitTests.Runtime.Cache;

public class LabelSelectorExpressionTests
{
    private static readonly Dictionary<string, string> Labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front", ["serving.mloperator.io/revision"] = "abc" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app=db", false)]
    [InlineData("app!=db", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (web, api)", true)]
    [InlineData("app notin (web)", false)]
    [InlineData("missing notin (x)", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("app=web,tier in (front,back),serving.mloperator.io/revision=abc", true)]
    [InlineData("app=web,tier=back", false)]
    public void Matches_like_the_apiserver(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelectorExpression.Parse(selector).Matches(Labels));

    [Theory]
    [InlineData("app=web,")]
    [InlineData("=web")]
    [InlineData("bad key=1")]
    public void Rejects_malformed_selectors(string selector) =>
        Assert.Throws<FormatException>(() => LabelSelectorExpression.Parse(selector));

    [Fact]
    public void Renders_a_metav1_selector_as_text()
    {
        var selector = new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" },
            MatchExpressions =
            [
                new V1LabelSelectorRequirement { Key = "t", OperatorProperty = "In", Values = ["y", "x"] },
                new V1LabelSelectorRequirement { Key = "gone", OperatorProperty = "DoesNotExist" },
            ],
        };

        var text = LabelSelectorExpression.ToText(selector);

        Assert.Equal("a=1,b=2,t in (x,y),!gone", text);
        Assert.True(LabelSelectorExpression.Parse(text).Matches(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["t"] = "x" }));
    }
}
