namespace MlOperator.Operator.Kube.Models;

public sealed class EnvVarSource
{
    public ObjectFieldSelector? FieldRef { get; set; }
}
