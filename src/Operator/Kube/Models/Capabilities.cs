namespace MlOperator.Operator.Kube.Models;

public sealed class Capabilities
{
    public List<string>? Add { get; set; }
    public List<string>? Drop { get; set; }
}
