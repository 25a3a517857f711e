using k8s.Models;
using MlOperator.Operator.Api.Schema;

namespace MlOperator.Operator.Api.V1Alpha1;

/// <summary>One canary step: a traffic weight held for a pause.</summary>
public sealed class RolloutStep
{
    /// <summary>Percent of traffic sent to the canary during this step.</summary>
    [Required, Minimum(1), Maximum(100)]
    public int Weight { get; set; }

    /// <summary>How long the step runs under analysis before the next one, as a duration ("2m") or whole seconds.</summary>
    [Duration]
    public IntOrString? Pause { get; set; }
}
