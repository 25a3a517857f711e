namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>The action annotation values already acted on: each new value acts once.</summary>
public sealed class RolloutActionTokens
{
    /// <summary>Last serving.mloperator.io/promote value acted on.</summary>
    public string? Promote { get; set; }

    /// <summary>Last serving.mloperator.io/abort value acted on.</summary>
    public string? Abort { get; set; }

    /// <summary>Last serving.mloperator.io/retry value acted on.</summary>
    public string? Retry { get; set; }
}
