namespace MlOperator.Operator.Kube.Models;

public sealed class Probe
{
    public HttpGetAction? HttpGet { get; set; }
    public int? InitialDelaySeconds { get; set; }
    public int? PeriodSeconds { get; set; }
    public int? TimeoutSeconds { get; set; }
    public int? SuccessThreshold { get; set; }
    public int? FailureThreshold { get; set; }
}
