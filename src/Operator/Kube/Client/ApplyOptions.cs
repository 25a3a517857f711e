namespace MlOperator.Operator.Kube.Client;

public sealed record ApplyOptions(string FieldManager, bool Force = false, string? Subresource = null);
