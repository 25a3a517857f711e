using MlOperator.Operator.Kube.Models;

namespace MlOperator.Operator.Quota;

/// <summary>One quota key that the demand does not fit into.</summary>
public sealed record QuotaShortfall(string Quota, string Resource, decimal Requested, decimal Available, decimal Hard, decimal Used)
{
    /// <summary><c>requests.nvidia.com/gpu: need 2, 1 available (quota "gpu-quota": hard 4, used 3)</c></summary>
    public string Message =>
        $"{Resource}: need {Quantity.Format(Requested)}, {Quantity.Format(Math.Max(0, Available))} available " +
        $"(quota \"{Quota}\": hard {Quantity.Format(Hard)}, used {Quantity.Format(Used)})";

    public override string ToString() => Message;
}
