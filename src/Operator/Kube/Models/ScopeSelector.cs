namespace MlOperator.Operator.Kube.Models;

public sealed class ScopeSelector
{
    public List<ScopedResourceSelectorRequirement>? MatchExpressions { get; set; }
}
