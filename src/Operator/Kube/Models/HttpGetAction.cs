namespace MlOperator.Operator.Kube.Models;

public sealed class HttpGetAction
{
    public string? Path { get; set; }
    public IntOrString? Port { get; set; }
    public string? Scheme { get; set; }
}
